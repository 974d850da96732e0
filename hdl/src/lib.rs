//! rust-hdl blocks of the ordo card (ingress, sigverify, reorder buffer, sequencer, matcher,
//! card top). Empty until issue 3: the software path in `host` is the reference model these
//! blocks must reproduce bit for bit (see `docs/abi.md` for the contract).
