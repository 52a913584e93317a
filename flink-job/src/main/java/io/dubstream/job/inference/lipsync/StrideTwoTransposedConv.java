package io.dubstream.job.inference.lipsync;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * PyTorch's {@code ConvTranspose2d(cin, cout, kernel_size=3, stride=2, padding=1, output_padding=1)}
 * (an exact 2x upsampling, {@code [B, cin, H, W] -> [B, cout, 2H, 2W]}) as four ordinary
 * convolutions whose outputs are interleaved: DJL's PyTorch engine has no transposed convolution
 * for Blocks.
 *
 * <p>Why it is exact: a transposed convolution adds {@code x[m] * w[k]} to output position
 * {@code o = 2m - 1 + k} (stride 2, padding 1, kernel taps {@code k = 0, 1, 2}), per axis. So an
 * even output {@code o = 2m} receives only tap 1 of input {@code m}, and an odd output
 * {@code o = 2m + 1} receives tap 2 of input {@code m} and tap 0 of input {@code m + 1} (zero past
 * the edge, which is where {@code output_padding} puts the last row and column). In two dimensions
 * the four output phases (row even/odd x column even/odd) are therefore plain convolutions of the
 * input, with the input padded by one zero row at the bottom and one zero column at the right, and
 * with kernels cut from the transposed kernel {@code w} ({@code [cin, cout, 3, 3]}, swapped to
 * {@code [cout, cin, .., ..]}):
 * <pre>
 *   even row, even column: 1x1  [w11]
 *   even row, odd column:  1x2  [w12 w10]
 *   odd row,  even column: 2x1  [w21; w01]
 *   odd row,  odd column:  2x2  [w22 w20; w02 w00]
 * </pre>
 * 1 + 2 + 2 + 4 = 9 taps, the multiply-adds of the transposed convolution; each phase adds the
 * bias once. The outputs are then interleaved: {@code out[2m + r, 2n + c] = phase(r, c)[m, n]}.
 * The parameters are the same numbers as the transposed convolution's, rearranged
 * ({@link #setWeights} takes PyTorch's layout).
 */
final class StrideTwoTransposedConv extends TransposedConvBlock {

    /** Kernel taps per output phase along one axis: even outputs use tap 1, odd ones taps 2 then 0. */
    private static final int[][] TAPS = {{1}, {2, 0}};

    /** Phase kernels in conv layout, index {@code 2 * rowPhase + columnPhase}. */
    private final Parameter[] phases = new Parameter[4];
    private final Parameter bias;

    StrideTwoTransposedConv(int inChannels, int outChannels) {
        super(inChannels, outChannels);
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 2; c++) {
                phases[2 * r + c] = addParameter(Parameter.builder()
                        .setName("weight_" + (r == 0 ? "even" : "odd") + "_" + (c == 0 ? "even" : "odd"))
                        .setType(Parameter.Type.WEIGHT)
                        .optShape(new Shape(outChannels, inChannels, TAPS[r].length, TAPS[c].length))
                        .build());
            }
        }
        this.bias = addBias();
    }

    /**
     * Sets the weights from a transposed-convolution kernel in PyTorch's layout
     * {@code [cin, cout, 3, 3]}, row-major, and its bias.
     */
    void setWeights(float[] transposedWeight, float[] biasValues) {
        checkKernel(transposedWeight, biasValues);
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 2; c++) {
                phases[2 * r + c].getArray().set(phaseKernel(transposedWeight, inChannels, outChannels, r, c));
            }
        }
        bias.getArray().set(biasValues);
    }

    /** The convolution kernel {@code [cout, cin, rows, columns]} of one output phase. */
    static float[] phaseKernel(float[] transposedWeight, int inChannels, int outChannels, int rowPhase,
            int columnPhase) {
        int[] rows = TAPS[rowPhase];
        int[] columns = TAPS[columnPhase];
        float[] kernel = new float[outChannels * inChannels * rows.length * columns.length];
        int at = 0;
        for (int co = 0; co < outChannels; co++) {
            for (int ci = 0; ci < inChannels; ci++) {
                for (int row : rows) {
                    for (int column : columns) {
                        kernel[at++] = transposedWeight[((ci * outChannels + co) * 3 + row) * 3 + column];
                    }
                }
            }
        }
        return kernel;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape shape = x.getShape();
        if (shape.dimension() != 4 || shape.get(1) != inChannels) {
            throw new IllegalArgumentException("expected [B, " + inChannels + ", H, W], got " + shape);
        }
        long batch = shape.get(0);
        long height = shape.get(2);
        long width = shape.get(3);
        NDArray b = parameterStore.getValue(bias, x.getDevice(), training);
        NDList outputs = new NDList(4);
        // one zero row at the bottom and one zero column at the right (pairs from the last axis);
        // the phases with one tap along an axis take the input without that axis' padding (views)
        try (NDArray padded = x.pad(new Shape(0, 1, 0, 1), 0);
                NDArray rightPadded = padded.get(new NDIndex(":, :, :{}, :", height));
                NDArray bottomPadded = padded.get(new NDIndex(":, :, :, :{}", width))) {
            NDArray[] phaseInputs = {x, rightPadded, bottomPadded, padded};
            for (int p = 0; p < 4; p++) {
                NDArray w = parameterStore.getValue(phases[p], x.getDevice(), training);
                outputs.add(Conv2d.conv2d(phaseInputs[p], w, b).singletonOrThrow());
            }
            // [B, cout, H, W, 4] -> [B, cout, H, W, row, column] -> [B, cout, H, row, W, column]
            try (NDArray stacked = NDArrays.stack(outputs, 4);
                    NDArray split = stacked.reshape(batch, outChannels, height, width, 2, 2);
                    NDArray interleaved = split.transpose(0, 1, 2, 4, 3, 5)) {
                return new NDList(interleaved.reshape(batch, outChannels, 2 * height, 2 * width));
            }
        } finally {
            outputs.close();
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), outChannels, 2 * in.get(2), 2 * in.get(3))};
    }
}
