//! `Gated<B>`: a sub-block that rust-hdl's simulation evaluates only when something can have
//! changed in it. Simulation only: the generated Verilog is that of `B`, unchanged.
//!
//! rust-hdl settles a design by evaluating every block again and again until no signal
//! changes; a card cycle takes about eight such passes, while most blocks see new inputs in
//! two or three of them. A block's `update` is a pure function of the values its signals and
//! children hold, so when none of them changed in its last evaluation and none of its inputs
//! has a new value pending, evaluating it again would write the same values: `Gated` skips it.
//! The inputs are listed once per block with [`inputs!`](crate::inputs); a test in each
//! block's file checks the list against the block's ports (a missing input would make the
//! block miss a change, which the cycle-by-cycle Verilator comparisons would also catch).

use std::ops::{Deref, DerefMut};

use rust_hdl::core::timing::TimingInfo;
use rust_hdl::prelude::*;

/// A block whose input ports can be asked whether a new value is pending on any of them.
pub trait Inputs {
    /// Names of the block's input ports (as in its generated Verilog).
    const INPUTS: &'static [&'static str];
    /// Some input has been written a value it does not hold yet.
    fn inputs_pending(&self) -> bool;
}

/// Implements [`Inputs`] for a block from the list of its input ports.
#[macro_export]
macro_rules! inputs {
    ($block:ty: $($port:ident),+ $(,)?) => {
        impl $crate::gated::Inputs for $block {
            const INPUTS: &'static [&'static str] = &[$(stringify!($port)),+];
            fn inputs_pending(&self) -> bool {
                $(self.$port.next != self.$port.val())||+
            }
        }
    };
}

/// `B`, evaluated only when one of its inputs has a new value pending or its last evaluation
/// changed something inside it.
pub struct Gated<B> {
    inner: B,
    active: bool,
}

impl<B: Default> Default for Gated<B> {
    fn default() -> Self {
        Gated {
            inner: B::default(),
            active: true,
        }
    }
}

impl<B> Deref for Gated<B> {
    type Target = B;
    fn deref(&self) -> &B {
        &self.inner
    }
}

impl<B> DerefMut for Gated<B> {
    fn deref_mut(&mut self) -> &mut B {
        &mut self.inner
    }
}

impl<B: Logic> Logic for Gated<B> {
    fn update(&mut self) {
        self.inner.update();
    }
    fn connect(&mut self) {
        self.inner.connect();
    }
    fn hdl(&self) -> Verilog {
        self.inner.hdl()
    }
    fn timing(&self) -> Vec<TimingInfo> {
        self.inner.timing()
    }
}

impl<B: Block + Inputs> Block for Gated<B> {
    fn connect_all(&mut self) {
        self.inner.connect_all();
    }

    fn update_all(&mut self) {
        if self.active || self.inner.inputs_pending() {
            self.inner.update_all();
            self.active = self.inner.has_changed();
        }
    }

    fn has_changed(&self) -> bool {
        self.active
    }

    fn accept(&self, name: &str, probe: &mut dyn Probe) {
        self.inner.accept(name, probe);
    }
}

/// The input ports of a block, read from the block itself (for checking [`Inputs::INPUTS`]).
pub fn input_ports<B: Block>(block: &B) -> Vec<String> {
    struct Ports {
        depth: usize,
        names: Vec<String>,
    }
    impl Probe for Ports {
        fn visit_start_scope(&mut self, _name: &str, _node: &dyn Block) {
            self.depth += 1;
        }
        fn visit_atom(&mut self, name: &str, signal: &dyn Atom) {
            if self.depth == 1 && signal.kind() == AtomKind::InputParameter {
                self.names.push(name.to_string());
            }
        }
        fn visit_end_scope(&mut self, _name: &str, _node: &dyn Block) {
            self.depth -= 1;
        }
    }
    let mut ports = Ports {
        depth: 0,
        names: Vec::new(),
    };
    block.accept("top", &mut ports);
    ports.names.sort();
    ports.names
}

/// The ports named in `B`'s [`Inputs`] list, sorted (compare with [`input_ports`]).
pub fn listed_inputs<B: Inputs>() -> Vec<String> {
    let mut names: Vec<String> = B::INPUTS.iter().map(|s| s.to_string()).collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<B: Block + Inputs + Default>() {
        assert_eq!(listed_inputs::<B>(), input_ports(&B::default()));
    }

    #[test]
    fn every_gated_block_lists_exactly_its_input_ports() {
        check::<crate::Deserializer>();
        check::<crate::Validator>();
        check::<crate::validator::InstrumentEntry>();
        check::<crate::Matcher>();
        check::<crate::EventSerializer>();
    }
}
