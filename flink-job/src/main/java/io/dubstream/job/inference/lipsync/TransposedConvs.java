package io.dubstream.job.inference.lipsync;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

/** What the two transposed-convolution equivalents share: the bias and the kernel they take. */
final class TransposedConvs {

    private TransposedConvs() {}

    /** A bias of {@code outChannels} values. */
    static Parameter bias(int outChannels) {
        return Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(outChannels))
                .build();
    }

    /** Checks a kernel in PyTorch's layout {@code [cin, cout, 3, 3]} and its bias. */
    static void checkKernel(float[] transposedWeight, float[] biasValues, int inChannels, int outChannels) {
        if (transposedWeight.length != inChannels * outChannels * 9 || biasValues.length != outChannels) {
            throw new IllegalArgumentException("expected a [" + inChannels + ", " + outChannels
                    + ", 3, 3] weight and " + outChannels + " biases");
        }
    }
}
