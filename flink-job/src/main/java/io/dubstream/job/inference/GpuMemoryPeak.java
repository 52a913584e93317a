package io.dubstream.job.inference;

import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;

/**
 * The most GPU memory seen in use on one device, sampled by the caller (after each model batch) with
 * the CUDA runtime's {@code cudaMemGetInfo} through DJL. It is the device's memory in use, by this
 * process and any other, as {@code nvidia-smi} reports it: an upper bound of what the models need,
 * not PyTorch's own allocator statistics, which DJL does not expose. Where the CUDA runtime library
 * cannot be found the peak stays unknown and a warning says why, once.
 */
public final class GpuMemoryPeak {

    private static final Logger LOG = LoggerFactory.getLogger(GpuMemoryPeak.class);

    private final Device device;
    private final AtomicLong peak = new AtomicLong(-1);
    private volatile boolean unavailable;

    /** @param device a GPU */
    public GpuMemoryPeak(Device device) {
        if (!device.isGpu()) {
            throw new IllegalArgumentException("GPU memory of " + device + ": not a GPU");
        }
        this.device = device;
    }

    /** Reads the memory in use now and keeps it if it is the most so far. */
    public void sample() {
        if (unavailable) {
            return;
        }
        try {
            long used = CudaUtils.getGpuMemory(device).getUsed();
            peak.accumulateAndGet(used, Math::max);
        } catch (RuntimeException | LinkageError e) {
            unavailable = true;
            LOG.warn("cannot read the memory in use on {}, its peak is not reported: {}", device, e.toString());
        }
    }

    /** The most memory in use seen, in bytes; -1 before the first successful sample. */
    public long peakBytes() {
        return peak.get();
    }
}
