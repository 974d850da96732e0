//! Single-threaded cycle harness and Verilator build for the `hdl` blocks, and the simulated
//! card behind the driver's shared-memory interface. Empty until issue 3.
