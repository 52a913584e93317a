package io.dubstream.job.inference;

import java.util.Locale;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Where models run: {@code auto} (the first GPU when PyTorch sees one, else the CPU), {@code cpu},
 * {@code gpu} (the first GPU) or {@code gpu:N}. GPUs need the CUDA natives ({@code mvn -Pcuda});
 * asking for one that PyTorch cannot see is an error, never a silent fall back to the CPU.
 */
public final class InferenceDevice {

    public static final String AUTO = "auto";

    private InferenceDevice() {}

    /** The DJL device for {@code spec}. */
    public static Device resolve(String spec) {
        Device device = resolveSpec(spec);
        TorchLogLevel.applyOnce(); // the natives are loaded now
        if (!device.isGpu()) {
            OpenMpWaitPolicy.checkOnce();
        }
        return device;
    }

    private static Device resolveSpec(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        int gpus = Engine.getEngine("PyTorch").getGpuCount();
        if (s.equals(AUTO)) {
            return gpus > 0 ? Device.gpu(0) : Device.cpu();
        }
        if (s.equals("cpu")) {
            return Device.cpu();
        }
        if (s.equals("gpu") || s.startsWith("gpu:")) {
            int index = s.equals("gpu") ? 0 : parseIndex(spec, s.substring(4));
            if (index >= gpus) {
                throw new IllegalArgumentException("device '" + spec + "' is not available: PyTorch sees " + gpus
                        + " GPU(s)" + (gpus == 0 ? " (GPUs need the CUDA natives: build with mvn -Pcuda, and an"
                                + " NVIDIA driver)" : ""));
            }
            return Device.gpu(index);
        }
        throw new IllegalArgumentException("device '" + spec + "' is not one of auto, cpu, gpu, gpu:N");
    }

    private static int parseIndex(String spec, String index) {
        try {
            int i = Integer.parseInt(index);
            if (i >= 0) {
                return i;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("device '" + spec + "': the GPU index must be a whole number >= 0");
    }
}
