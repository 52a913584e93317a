package io.dubstream.job.inference.lipsync;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Wav2Lip's {@code Conv2d} and {@code Conv2dTranspose} units: a convolution (or transposed
 * convolution), BatchNorm, optionally the input added back (residual), ReLU.
 *
 * <p>Inference only: the convolution's and BatchNorm's outputs are closed as soon as they are used,
 * so a unit holds at most its input, one intermediate and its output at a time.
 */
final class ConvNormRelu extends AbstractBlock {

    private final Block conv;
    private final BatchNorm norm;
    private final boolean residual;
    private final boolean releaseIntermediates;

    private ConvNormRelu(Block conv, boolean residual, boolean releaseIntermediates) {
        this.conv = addChildBlock("conv", conv);
        // PyTorch's BatchNorm2d: epsilon 1e-5 (its momentum only matters in training)
        this.norm = addChildBlock("norm", BatchNorm.builder().optEpsilon(1e-5f).build());
        this.residual = residual;
        this.releaseIntermediates = releaseIntermediates;
    }

    /** {@code Conv2d(cin, cout, kernel, stride, padding, residual)} with a square kernel. */
    static ConvNormRelu conv(int cout, int kernel, Shape stride, int padding, boolean residual, boolean release) {
        return new ConvNormRelu(Conv2d.builder()
                .setFilters(cout)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(stride)
                .optPadding(new Shape(padding, padding))
                .build(), residual, release);
    }

    /** {@code Conv2dTranspose(cin, cout, 3, stride=2, padding=1, output_padding=1)}. */
    static ConvNormRelu transposedStrideTwo(int cin, int cout, boolean release) {
        return new ConvNormRelu(new StrideTwoTransposedConv(cin, cout), false, release);
    }

    /** {@code Conv2dTranspose(cin, cout, 3, stride=1, padding=0)} on a 1x1 input. */
    static ConvNormRelu transposedFromPoint(int cin, int cout, boolean release) {
        return new ConvNormRelu(new PointTransposedConv(cin, cout), false, release);
    }

    Block conv() {
        return conv;
    }

    BatchNorm norm() {
        return norm;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray convolved = conv.forward(parameterStore, inputs, training, params).singletonOrThrow();
        NDArray normed = norm.forward(parameterStore, new NDList(convolved), training, params).singletonOrThrow();
        release(convolved);
        if (residual) {
            normed.addi(x);
        }
        NDArray out = Activation.relu(normed);
        release(normed);
        return new NDList(out);
    }

    private void release(NDArray array) {
        if (releaseIntermediates) {
            array.close();
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return conv.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        conv.initialize(manager, dataType, inputShapes);
        norm.initialize(manager, dataType, conv.getOutputShapes(inputShapes));
    }
}
