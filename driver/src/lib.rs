//! Card driver: register access and DMA rings over a PCIe BAR, Xilinx XDMA, or the simulated
//! card's shared memory. Empty until the driver issue; the contract it will speak is `abi`.
