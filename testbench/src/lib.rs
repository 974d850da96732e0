//! Scenario generators, pcap capture/replay and differential runs over every ordo path.
//! Today the only path is the software one (`host`); the differential runner lands with
//! issue 3, when the rust-hdl and Verilator engines exist to diff against it.
