package io.dubstream.job.inference.lipsync;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * PyTorch's {@code ConvTranspose2d(cin, cout, kernel_size=3, stride=1, padding=0)} applied to a 1x1
 * input, as one matrix product (DJL's PyTorch engine has no transposed convolution for Blocks).
 *
 * <p>A transposed convolution scatters every input pixel {@code x[ci]} times the kernel onto the
 * output; with a single input pixel and no padding, output pixel {@code (i, j)} of channel
 * {@code co} is exactly {@code bias[co] + sum_ci x[ci] * w[ci, co, i, j]}, so
 * {@code out = x[B, cin] . w.reshape(cin, cout * 9)} reshaped to {@code [B, cout, 3, 3]}, plus the
 * bias: the same {@code cin * cout * 9} multiply-adds per frame. The weight keeps PyTorch's layout
 * {@code [cin, cout, 3, 3]} and the parameter count is that of the transposed convolution.
 */
final class PointTransposedConv extends TransposedConvBlock {

    private final Parameter weight;
    private final Parameter bias;

    PointTransposedConv(int inChannels, int outChannels) {
        super(inChannels, outChannels);
        this.weight = addParameter(Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(inChannels, outChannels, 3, 3))
                .build());
        this.bias = addBias();
    }

    /** Sets the weight from PyTorch's layout {@code [cin, cout, 3, 3]}, row-major, and the bias. */
    void setWeights(float[] transposedWeight, float[] biasValues) {
        checkKernel(transposedWeight, biasValues);
        weight.getArray().set(transposedWeight);
        bias.getArray().set(biasValues);
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape shape = x.getShape();
        if (shape.dimension() != 4 || shape.get(1) != inChannels || shape.get(2) != 1 || shape.get(3) != 1) {
            throw new IllegalArgumentException("expected [B, " + inChannels + ", 1, 1], got " + shape);
        }
        long batch = shape.get(0);
        NDArray w = parameterStore.getValue(weight, x.getDevice(), training);
        NDArray b = parameterStore.getValue(bias, x.getDevice(), training);
        // views of the weights live in the weights' manager: close them here, not with the model
        try (NDArray flat = x.reshape(batch, inChannels);
                NDArray matrix = w.reshape(inChannels, outChannels * 9L);
                NDArray columnBias = b.reshape(1, outChannels, 1, 1);
                NDArray product = flat.matMul(matrix)) {
            return new NDList(product.reshape(batch, outChannels, 3, 3).addi(columnBias));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), outChannels, 3, 3)};
    }
}
