package io.dubstream.job.inference.lipsync;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;

/**
 * What the two transposed-convolution equivalents share: their channel counts, their bias and the
 * kernel they take, PyTorch's {@code [cin, cout, 3, 3]}.
 */
abstract class TransposedConvBlock extends AbstractBlock {

    protected final int inChannels;
    protected final int outChannels;

    TransposedConvBlock(int inChannels, int outChannels) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
    }

    int inChannels() {
        return inChannels;
    }

    int outChannels() {
        return outChannels;
    }

    /** Adds the bias of {@code outChannels} values (after the weights, keeping the parameter order). */
    protected final Parameter addBias() {
        return addParameter(Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(outChannels))
                .build());
    }

    /** Checks a kernel in PyTorch's layout {@code [cin, cout, 3, 3]} and its bias. */
    protected final void checkKernel(float[] transposedWeight, float[] biasValues) {
        if (transposedWeight.length != inChannels * outChannels * 9 || biasValues.length != outChannels) {
            throw new IllegalArgumentException("expected a [" + inChannels + ", " + outChannels
                    + ", 3, 3] weight and " + outChannels + " biases");
        }
    }
}
