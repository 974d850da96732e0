//! The OrderPool block against its model, the software path's order ids, Verilator and yosys.

use abi::{EventKind, OrderId};
use hdl::order_pool::{verilog, Model, OrderPool, OP_ALLOCATE, OP_RELEASE, SLOTS};
use host::rng::SplitMix64;
use sim::harness::Harness;
use sim::verilator::{first_difference, Port};

const INPUTS: [Port; 4] = [
    Port {
        name: "s_valid",
        bits: 1,
    },
    Port {
        name: "s_op",
        bits: 1,
    },
    Port {
        name: "s_slot",
        bits: 14,
    },
    Port {
        name: "m_ready",
        bits: 1,
    },
];
const OUTPUTS: [Port; 5] = [
    Port {
        name: "s_ready",
        bits: 1,
    },
    Port {
        name: "m_valid",
        bits: 1,
    },
    Port {
        name: "m_ok",
        bits: 1,
    },
    Port {
        name: "m_slot",
        bits: 14,
    },
    Port {
        name: "m_generation",
        bits: 32,
    },
];

/// A command: allocate, or release a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Command {
    Allocate,
    Release(u32),
}

/// What the block answered: (ok, slot, generation).
type Response = (bool, u32, u32);

struct Pool {
    h: Harness<OrderPool>,
    rng: SplitMix64,
    idle_percent: u64,
    ready_percent: u64,
    inputs: Vec<Vec<u64>>,
    outputs: Vec<Vec<u64>>,
}

impl Pool {
    fn new(seed: u64, idle_percent: u64, ready_percent: u64) -> Pool {
        Pool {
            h: Harness::new(OrderPool::default()),
            rng: SplitMix64::new(seed),
            idle_percent,
            ready_percent,
            inputs: Vec::new(),
            outputs: Vec::new(),
        }
    }

    /// Run one command through the block (with random idle cycles and backpressure) and
    /// return its response; records every cycle's vectors.
    fn command(&mut self, command: Command) -> Response {
        let (op, slot) = match command {
            Command::Allocate => (OP_ALLOCATE, 0),
            Command::Release(slot) => (OP_RELEASE, u64::from(slot)),
        };
        let (mut sent, start) = (false, self.h.cycle());
        loop {
            assert!(
                self.h.cycle() - start < 10_000,
                "no response to {command:?}"
            );
            let offer = !sent && !self.rng.chance(self.idle_percent);
            let m_ready = self.rng.chance(self.ready_percent);
            self.h.uut.s_valid.next = offer;
            self.h.uut.s_op.next = op == OP_RELEASE;
            self.h.uut.s_slot.next = slot.into();
            self.h.uut.m_ready.next = m_ready;
            self.h.settle();
            let u = &self.h.uut;
            let s_ready = u.s_ready.val();
            let response = (
                u.m_ok.val(),
                u.m_slot.val().to_u64() as u32,
                u.m_generation.val().to_u64() as u32,
            );
            let m_valid = u.m_valid.val();
            self.inputs
                .push(vec![u64::from(offer), op, slot, u64::from(m_ready)]);
            self.outputs.push(vec![
                u64::from(s_ready),
                u64::from(m_valid),
                u64::from(response.0),
                u64::from(response.1),
                u64::from(response.2),
            ]);
            sent |= offer && s_ready;
            self.h.tick();
            if m_valid && m_ready {
                assert!(sent, "a response before the command was taken");
                return response;
            }
        }
    }
}

fn model_response(model: &mut Model, command: Command) -> Response {
    match command {
        Command::Allocate => match model.allocate() {
            Some((slot, generation)) => (true, slot, generation),
            None => (false, 0, 0),
        },
        Command::Release(slot) => {
            model.release(slot);
            (true, slot, 0)
        }
    }
}

#[test]
fn ids_match_the_model_under_backpressure() {
    // Proves every id issued (slot and generation) and every release acknowledgement equal
    // the contract model's, over a long random run with slot reuse, idle gaps and
    // backpressure.
    let mut pool = Pool::new(1, 30, 60);
    let mut model = Model::default();
    let mut rng = SplitMix64::new(11);
    let mut live: Vec<u32> = Vec::new();
    for _ in 0..4_000 {
        let command = if live.is_empty() || rng.chance(55) {
            Command::Allocate
        } else {
            Command::Release(live.swap_remove(rng.below(live.len() as u64) as usize))
        };
        let expected = model_response(&mut model, command);
        assert_eq!(pool.command(command), expected, "{command:?}");
        if let (Command::Allocate, (true, slot, _)) = (command, expected) {
            live.push(slot);
        }
    }
}

#[test]
fn a_full_pool_refuses_and_recovers() {
    // Proves the capacity contract: all 16,384 slots issue in order 0, 1, 2, …; the next
    // allocation is refused (order_pool_full); a released slot is the next one issued, with
    // generation 2.
    let mut pool = Pool::new(2, 0, 100);
    for slot in 0..SLOTS as u32 {
        assert_eq!(pool.command(Command::Allocate), (true, slot, 1));
    }
    assert!(!pool.command(Command::Allocate).0);
    assert_eq!(pool.command(Command::Release(777)), (true, 777, 0));
    assert_eq!(pool.command(Command::Allocate), (true, 777, 2));
    assert!(!pool.command(Command::Allocate).0);
}

#[test]
fn ids_match_the_software_path() {
    // Proves the hardware pool issues exactly the order ids the software path issues: the
    // allocate/release stream is derived from the software sequencer's events on a demo
    // workload (accepted → allocate; a maker filled out, an STP-cancelled or cancelled order
    // → release where it happens; a taker that does not rest → release at the end of its
    // message), and every id the block issues must equal the accepted event's order id.
    use host::engine::{Input, LadderBook, Sequencer};
    use host::workload::{generate, Spec};
    let config = host::config::VenueConfig::embedded();
    assert_eq!(config.venue.orders_resting_max as usize, SLOTS);
    let workload = generate(
        &config,
        Spec {
            sign: false,
            ..Spec::demo(5, 3_000)
        },
        &|_| {},
    );
    let mut sequencer: Sequencer<LadderBook> = Sequencer::new(&config);
    let mut pool = Pool::new(3, 10, 80);
    let mut checked = 0;
    for (stimulus, &signature_ok) in workload.stimuli.iter().zip(&workload.signature_ok) {
        let input = Input {
            arrival_ns: stimulus.arrival_ns,
            message: stimulus.message,
            signature_ok,
        };
        let mut taker: Option<(OrderId, u32)> = None;
        for event in sequencer.handle(&input) {
            let id = OrderId(event.order_id);
            match event.kind {
                EventKind::Accepted => {
                    let (ok, slot, generation) = pool.command(Command::Allocate);
                    assert!(ok);
                    assert_eq!(OrderId::new(slot, generation), id, "seq {}", event.seq);
                    taker = Some((id, event.qty_lots));
                    checked += 1;
                }
                EventKind::Fill => {
                    if event.maker_remaining_lots == 0 {
                        pool.command(Command::Release(OrderId(event.maker_order_id).slot()));
                    }
                    taker = taker.map(|(t, _)| (t, event.remaining_lots));
                }
                EventKind::Cancelled | EventKind::Expired
                    if taker.is_some_and(|(t, _)| t == id) =>
                {
                    taker = taker.map(|(t, _)| (t, 0));
                }
                EventKind::Cancelled => {
                    pool.command(Command::Release(id.slot()));
                }
                _ => {}
            }
        }
        if let Some((id, 0)) = taker {
            pool.command(Command::Release(id.slot()));
        }
    }
    assert!(checked > 1_500, "only {checked} ids checked");
}

#[test]
fn verilator_build_matches_rust_hdl_cycle_by_cycle() {
    // Proves the Verilator build of the generated Verilog matches the rust-hdl simulation on
    // every cycle of a backpressured allocate/release run.
    let mut pool = Pool::new(4, 25, 70);
    let mut rng = SplitMix64::new(44);
    let mut live = Vec::new();
    for _ in 0..2_000 {
        if live.is_empty() || rng.chance(60) {
            live.push(pool.command(Command::Allocate).1);
        } else {
            let slot = live.swap_remove(rng.below(live.len() as u64) as usize);
            pool.command(Command::Release(slot));
        }
    }
    let difference = first_difference(
        "order_pool",
        &verilog(),
        &INPUTS,
        &OUTPUTS,
        &pool.inputs,
        &pool.outputs,
    );
    assert_eq!(difference.expect("verilator"), None);
}

#[test]
fn synthesizes_for_ecp5() {
    // Proves the Verilog is latch-free and synthesizes, with the link and generation RAMs in
    // block RAM.
    let utilization = sim::yosys::check("order_pool", &verilog()).expect("yosys");
    assert!(utilization.block_rams >= 2, "{utilization:?}");
    println!("order_pool ECP5: {utilization:?}");
}
