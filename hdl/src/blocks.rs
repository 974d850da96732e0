//! Every block whose Verilog can be written on its own (top module `top`): `ordo-hdl
//! verilog <block>` and `ordo fpga build ecp5-timing --block <block>` (one block's own
//! Fmax behind the timing harness).

/// A block of the card, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Block {
    /// Ingress stamper (hdl::stamper).
    Stamper,
    /// Best-level finder of one book side (hdl::priority_bitmap).
    PriorityBitmap,
    /// Order-id allocator (hdl::order_pool).
    OrderPool,
    /// Sequencer checks before matching (hdl::validator).
    Validator,
    /// Order-entry words to fields (hdl::deserializer).
    Deserializer,
    /// Per-level FIFOs of resting orders (hdl::level_queues).
    LevelQueues,
    /// Sequence numbers and event records out (hdl::event_serializer).
    EventSerializer,
    /// Arrival-order release of signature verdicts (hdl::reorder).
    Reorder,
    /// The matching core (hdl::matcher).
    Matcher,
    /// The card top: order words in, event records out (hdl::card).
    Card,
    /// Block RAM with a registered output, at the level table's shape: 15 bits x 65,536
    /// (hdl::bram; define ORDO_DP16KD for the ECP5 body).
    Bram,
    /// A 16 x 16 product with its operands registered in the multiplier (hdl::mul16; define
    /// ORDO_DP16KD for the MULT18X18D body).
    Mul16,
    /// Host-link records to the card's input (hdl::link_deframer).
    LinkDeframer,
    /// The card's output to host-link records (hdl::link_framer).
    LinkFramer,
    /// The card behind the serial host link (hdl::board_link).
    BoardLink,
}

impl Block {
    /// Every block.
    pub fn all() -> &'static [Block] {
        <Block as clap::ValueEnum>::value_variants()
    }

    /// The block of that command-line name.
    pub fn from_name(name: &str) -> Option<Block> {
        Block::all().iter().copied().find(|b| b.name() == name)
    }

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Block::Stamper => "stamper",
            Block::PriorityBitmap => "priority-bitmap",
            Block::OrderPool => "order-pool",
            Block::Validator => "validator",
            Block::Deserializer => "deserializer",
            Block::LevelQueues => "level-queues",
            Block::EventSerializer => "event-serializer",
            Block::Reorder => "reorder",
            Block::Matcher => "matcher",
            Block::Card => "card",
            Block::Bram => "bram",
            Block::Mul16 => "mul16",
            Block::LinkDeframer => "link-deframer",
            Block::LinkFramer => "link-framer",
            Block::BoardLink => "board-link",
        }
    }

    /// The block's Verilog, top module `top`.
    pub fn verilog(self) -> String {
        match self {
            Block::Stamper => crate::stamper::verilog(),
            Block::PriorityBitmap => crate::priority_bitmap::verilog(),
            Block::OrderPool => crate::order_pool::verilog(),
            Block::Validator => crate::validator::verilog(),
            Block::Deserializer => crate::deserializer::verilog(),
            Block::LevelQueues => crate::level_queues::verilog(),
            Block::EventSerializer => crate::event_serializer::verilog(),
            Block::Reorder => crate::reorder::verilog(),
            Block::Matcher => crate::matcher::verilog(),
            Block::Card => crate::card::verilog(),
            Block::Bram => crate::bram::verilog::<15, 16>(),
            Block::Mul16 => crate::mul16::verilog(),
            Block::LinkDeframer => crate::link_deframer::verilog(),
            Block::LinkFramer => crate::link_framer::verilog(),
            Block::BoardLink => crate::board_link::verilog(),
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::ValueEnum;

    use super::Block;

    #[test]
    fn names_are_the_command_line_names() {
        for block in Block::value_variants() {
            let name = block.to_possible_value().expect("named");
            assert_eq!(name.get_name(), block.name());
        }
    }
}
