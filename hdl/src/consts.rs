//! The contract's numbers as the blocks use them: event kinds, reason codes, time-in-force and
//! STP values, the host link's record kinds and sizes, each taken from `abi` (the one source of truth), never written as a bare number
//! in a block.
//!
//! A block names them like any Rust constant (`self.ev_kind.d.next = KIND_FILL.into();`,
//! `self.tif.q.val() == TIF_IOC`). rust-hdl's `hdl_gen` turns such a path into a Verilog
//! identifier of the same name and declares nothing, so every block's `verilog()` passes its
//! Verilog through [`declare`], which adds to each module a sized `localparam` for every
//! constant the module names. The rust-hdl simulation reads the Rust values; Verilator and
//! yosys the localparams: one table ([`ALL`]) feeds both.

use abi::{EventKind, MessageType, Reason, Side, StpMode, TimeInForce};

/// One constant: its name (the Rust constant and the Verilog localparam), its width in the
/// blocks' ports and registers, its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Const {
    pub name: &'static str,
    pub bits: u32,
    pub value: u64,
}

macro_rules! consts {
    ($($name:ident: $bits:literal = $value:expr;)*) => {
        $(
            #[doc = concat!("`", stringify!($value), "` (", stringify!($bits), " bits).")]
            pub const $name: u64 = $value as u64;
        )*
        /// Every constant, for [`declare`].
        pub const ALL: &[Const] = &[$(Const { name: stringify!($name), bits: $bits, value: $name }),*];
    };
}

consts! {
    ABI_VERSION: 8 = abi::ABI_VERSION;
    MSG_NEW_ORDER: 8 = MessageType::NewOrder;
    MSG_CANCEL: 8 = MessageType::Cancel;
    MSG_AMEND: 8 = MessageType::Amend;
    MSG_MASS_CANCEL: 8 = MessageType::MassCancel;
    MSG_ORACLE: 8 = MessageType::Oracle;
    MSG_ADMIN: 8 = MessageType::Admin;
    SIDE_BUY: 8 = Side::Buy;
    SIDE_SELL: 8 = Side::Sell;
    LOT_COST_MAX: 32 = abi::LOT_COST_MAX;
    KIND_ACCEPTED: 8 = EventKind::Accepted;
    KIND_REJECTED: 8 = EventKind::Rejected;
    KIND_FILL: 8 = EventKind::Fill;
    KIND_CANCELLED: 8 = EventKind::Cancelled;
    KIND_EXPIRED: 8 = EventKind::Expired;
    KIND_ORACLE: 8 = EventKind::Oracle;
    KIND_ADMIN: 8 = EventKind::Admin;
    REASON_NONE: 8 = Reason::None;
    REASON_BAD_SIGNATURE: 8 = Reason::BadSignature;
    REASON_UNKNOWN_ACCOUNT: 8 = Reason::UnknownAccount;
    REASON_DUPLICATE_NONCE: 8 = Reason::DuplicateNonce;
    REASON_STALE_NONCE: 8 = Reason::StaleNonce;
    REASON_MALFORMED: 8 = Reason::Malformed;
    REASON_UNSUPPORTED_MESSAGE: 8 = Reason::UnsupportedMessage;
    REASON_UNKNOWN_INSTRUMENT: 8 = Reason::UnknownInstrument;
    REASON_INVALID_QUANTITY: 8 = Reason::InvalidQuantity;
    REASON_PRICE_OUT_OF_BAND: 8 = Reason::PriceOutOfBand;
    REASON_POST_ONLY_WOULD_CROSS: 8 = Reason::PostOnlyWouldCross;
    REASON_FOK_CANNOT_FILL: 8 = Reason::FokCannotFill;
    REASON_ORDER_POOL_FULL: 8 = Reason::OrderPoolFull;
    REASON_UNKNOWN_ORDER: 8 = Reason::UnknownOrder;
    REASON_NOT_ORDER_OWNER: 8 = Reason::NotOrderOwner;
    REASON_SELF_TRADE: 8 = Reason::SelfTrade;
    REASON_NOT_ORACLE: 8 = Reason::NotOracle;
    REASON_NOT_ADMIN: 8 = Reason::NotAdmin;
    REASON_CREDIT_EXCEEDED: 8 = Reason::CreditExceeded;
    REASON_FOK_TOO_DEEP: 8 = Reason::FokTooDeep;
    TIF_GTC: 2 = TimeInForce::Gtc;
    TIF_IOC: 2 = TimeInForce::Ioc;
    TIF_FOK: 2 = TimeInForce::Fok;
    TIF_POST_ONLY: 2 = TimeInForce::PostOnly;
    STP_DEFAULT: 3 = StpMode::Default;
    STP_NONE: 3 = StpMode::None;
    STP_CANCEL_NEWEST: 3 = StpMode::CancelNewest;
    STP_CANCEL_OLDEST: 3 = StpMode::CancelOldest;
    STP_CANCEL_BOTH: 3 = StpMode::CancelBoth;
    LINK_KIND_ORDER: 8 = abi::link::KIND_ORDER;
    LINK_KIND_CONFIG: 8 = abi::link::KIND_CONFIG;
    LINK_KIND_STATUS_REQUEST: 8 = abi::link::KIND_STATUS_REQUEST;
    LINK_KIND_EVENT: 8 = abi::link::KIND_EVENT;
    LINK_KIND_STATUS: 8 = abi::link::KIND_STATUS;
    LINK_ORDER_PAYLOAD_BYTES: 16 = abi::link::ORDER_PAYLOAD_BYTES;
    LINK_CONFIG_PAYLOAD_BYTES: 16 = abi::link::CONFIG_PAYLOAD_BYTES;
    LINK_STATUS_REQUEST_PAYLOAD_BYTES: 16 = abi::link::STATUS_REQUEST_PAYLOAD_BYTES;
    LINK_EVENT_PAYLOAD_BYTES: 16 = abi::link::EVENT_PAYLOAD_BYTES;
    LINK_STATUS_PAYLOAD_BYTES: 16 = abi::link::STATUS_PAYLOAD_BYTES;
}

/// Whether `text` names `name` as a whole identifier.
fn names(text: &str, name: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

/// `verilog` with, after each module's header, a `localparam` for every constant of [`ALL`]
/// the module names. A module that names none is left as it is.
pub fn declare(verilog: &str) -> String {
    let mut out = String::with_capacity(verilog.len() + 4096);
    let mut rest = verilog;
    // The next module's start: the text itself may begin with one.
    let next = |text: &str| {
        if text.starts_with("module ") {
            Some(0)
        } else {
            text.find("\nmodule ").map(|i| i + 1)
        }
    };
    while let Some(start) = next(rest) {
        let header_end = match rest[start..].find(";\n") {
            Some(i) => start + i + 2,
            None => break,
        };
        let body_end = rest[header_end..]
            .find("endmodule")
            .map_or(rest.len(), |i| header_end + i);
        out.push_str(&rest[..header_end]);
        let body = &rest[header_end..body_end];
        for c in ALL.iter().filter(|c| names(body, c.name)) {
            out.push_str(&format!(
                "    localparam [{}:0] {} = {}'d{};\n",
                c.bits - 1,
                c.name,
                c.bits,
                c.value
            ));
        }
        out.push_str(body);
        rest = &rest[body_end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_fit_their_widths_and_names_are_unique() {
        for (i, c) in ALL.iter().enumerate() {
            assert!(c.value < 1 << c.bits, "{c:?}");
            assert!(ALL[..i].iter().all(|d| d.name != c.name), "{c:?}");
        }
        assert_eq!(KIND_FILL, 3);
        assert_eq!(REASON_FOK_TOO_DEEP, 19);
        assert_eq!(STP_NONE, 1);
    }

    #[test]
    fn declare_adds_what_each_module_names_and_nothing_else() {
        let v = "module top(a,y);\n    input a;\n    y = KIND_FILL_X | KIND_FILL;\nendmodule\n\n\
                 module top$b(a);\n    x = TIF_IOC;\nendmodule\n\nmodule top$c(a);\n    x = 1;\n\
                 endmodule\n";
        let d = declare(v);
        assert_eq!(
            d,
            "module top(a,y);\n    localparam [7:0] KIND_FILL = 8'd3;\n    input a;\n    \
             y = KIND_FILL_X | KIND_FILL;\nendmodule\n\nmodule top$b(a);\n    \
             localparam [1:0] TIF_IOC = 2'd1;\n    x = TIF_IOC;\nendmodule\n\n\
             module top$c(a);\n    x = 1;\nendmodule\n"
        );
    }
}
