package io.dubstream.job.inference.lipsync;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The generator of the published Wav2Lip (Prajwal et al., 2020, {@code models/wav2lip.py}), layer
 * for layer, as DJL Blocks: {@code forward(mel [B, 1, 80, 16], faces [B, 6, 96, 96]) ->
 * [B, 3, 96, 96]}.
 *
 * <ul>
 *   <li>{@code face_encoder_blocks}: 7 stages, 96x96 down to 1x1 (16 to 512 channels); every
 *       stage's output is kept for the decoder's skip connections;</li>
 *   <li>{@code audio_encoder}: 80x16 mel window to a 512-channel 1x1 embedding;</li>
 *   <li>{@code face_decoder_blocks}: 7 stages from the audio embedding back to 96x96, each output
 *       concatenated (channels) with the face encoder's output of the same size;</li>
 *   <li>{@code output_block}: conv unit, 1x1 convolution to 3 channels, sigmoid.</li>
 * </ul>
 * Units are {@link ConvNormRelu} (conv, BatchNorm, residual where the original has it, ReLU); the
 * transposed convolutions are {@link PointTransposedConv} (the first, on the 1x1 embedding) and
 * {@link StrideTwoTransposedConv} (the five 2x upsamplings), exact equivalents.
 *
 * <p>Inference only. The forward pass closes every intermediate as soon as nothing needs it any more
 * (the face encoder's outputs when their decoder stage has used them), so memory is about the
 * skips plus two layers' activations instead of every activation of the graph, which a Block
 * would otherwise keep until the caller's manager closes.
 */
final class Wav2LipGenerator extends AbstractBlock {

    private final boolean releaseIntermediates;
    private final List<SequentialBlock> faceEncoder = new ArrayList<>();
    private final SequentialBlock audioEncoder;
    private final List<SequentialBlock> faceDecoder = new ArrayList<>();
    private final SequentialBlock outputBlock;

    Wav2LipGenerator() {
        this(true);
    }

    /** @param releaseIntermediates false only to measure what freeing intermediates saves */
    Wav2LipGenerator(boolean releaseIntermediates) {
        this.releaseIntermediates = releaseIntermediates;
        Shape one = new Shape(1, 1);
        Shape two = new Shape(2, 2);
        // face_encoder_blocks
        addFaceEncoder(stage().add(conv(16, 7, one, 3, false)));                                  // 96x96
        addFaceEncoder(stage().add(conv(32, 3, two, 1, false)).addAll(residuals(32, 2)));        // 48x48
        addFaceEncoder(stage().add(conv(64, 3, two, 1, false)).addAll(residuals(64, 3)));        // 24x24
        addFaceEncoder(stage().add(conv(128, 3, two, 1, false)).addAll(residuals(128, 2)));      // 12x12
        addFaceEncoder(stage().add(conv(256, 3, two, 1, false)).addAll(residuals(256, 2)));      // 6x6
        addFaceEncoder(stage().add(conv(512, 3, two, 1, false)).addAll(residuals(512, 1)));      // 3x3
        addFaceEncoder(stage().add(conv(512, 3, one, 0, false)).add(conv(512, 1, one, 0, false))); // 1x1
        // audio_encoder
        audioEncoder = addChildBlock("audio_encoder", stage()
                .add(conv(32, 3, one, 1, false)).addAll(residuals(32, 2))
                .add(conv(64, 3, new Shape(3, 1), 1, false)).addAll(residuals(64, 2))
                .add(conv(128, 3, new Shape(3, 3), 1, false)).addAll(residuals(128, 2))
                .add(conv(256, 3, new Shape(3, 2), 1, false)).addAll(residuals(256, 1))
                .add(conv(512, 3, one, 0, false))
                .add(conv(512, 1, one, 0, false)));
        // face_decoder_blocks (input channels: the previous stage's plus its skip's)
        addFaceDecoder(stage().add(conv(512, 1, one, 0, false)));                                 // 1x1
        addFaceDecoder(stage().add(ConvNormRelu.transposedFromPoint(1024, 512, releaseIntermediates))
                .addAll(residuals(512, 1)));                                                      // 3x3
        addFaceDecoder(stage().add(ConvNormRelu.transposedStrideTwo(1024, 512, releaseIntermediates))
                .addAll(residuals(512, 2)));                                                      // 6x6
        addFaceDecoder(stage().add(ConvNormRelu.transposedStrideTwo(768, 384, releaseIntermediates))
                .addAll(residuals(384, 2)));                                                      // 12x12
        addFaceDecoder(stage().add(ConvNormRelu.transposedStrideTwo(512, 256, releaseIntermediates))
                .addAll(residuals(256, 2)));                                                      // 24x24
        addFaceDecoder(stage().add(ConvNormRelu.transposedStrideTwo(320, 128, releaseIntermediates))
                .addAll(residuals(128, 2)));                                                      // 48x48
        addFaceDecoder(stage().add(ConvNormRelu.transposedStrideTwo(160, 64, releaseIntermediates))
                .addAll(residuals(64, 2)));                                                       // 96x96
        // output_block
        outputBlock = addChildBlock("output_block", stage()
                .add(conv(32, 3, one, 1, false))
                .add(Conv2d.builder().setFilters(3).setKernelShape(one).build())
                .addSingleton(Activation::sigmoid, "sigmoid"));
    }

    private static SequentialBlock stage() {
        return new SequentialBlock();
    }

    private ConvNormRelu conv(int cout, int kernel, Shape stride, int padding, boolean residual) {
        return ConvNormRelu.conv(cout, kernel, stride, padding, residual, releaseIntermediates);
    }

    private List<Block> residuals(int channels, int count) {
        List<Block> units = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            units.add(conv(channels, 3, new Shape(1, 1), 1, true));
        }
        return units;
    }

    private void addFaceEncoder(SequentialBlock stage) {
        faceEncoder.add(addChildBlock("face_encoder_blocks_" + faceEncoder.size(), stage));
    }

    private void addFaceDecoder(SequentialBlock stage) {
        faceDecoder.add(addChildBlock("face_decoder_blocks_" + faceDecoder.size(), stage));
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        if (training) {
            throw new UnsupportedOperationException("the generator runs inference only");
        }
        NDArray mel = inputs.get(0);
        NDArray faces = inputs.get(1);
        NDArray x = run(parameterStore, audioEncoder, mel, false, params);
        Deque<NDArray> skips = new ArrayDeque<>();
        NDArray features = faces;
        for (SequentialBlock stage : faceEncoder) {
            features = run(parameterStore, stage, features, false, params);
            skips.push(features);
        }
        for (SequentialBlock stage : faceDecoder) {
            NDArray decoded = run(parameterStore, stage, x, true, params);
            NDArray skip = skips.pop();
            x = decoded.concat(skip, 1);
            release(decoded);
            release(skip);
        }
        return new NDList(run(parameterStore, outputBlock, x, true, params));
    }

    /** Runs a stage unit by unit, closing each unit's input once the next has it (and the stage's own input if asked). */
    private NDArray run(ParameterStore parameterStore, SequentialBlock stage, NDArray input, boolean releaseInput,
            PairList<String, Object> params) {
        NDArray current = input;
        for (Block unit : stage.getChildren().values()) {
            NDArray next = unit.forward(parameterStore, new NDList(current), false, params).singletonOrThrow();
            if (current != input || releaseInput) {
                release(current);
            }
            current = next;
        }
        return current;
    }

    private void release(NDArray array) {
        if (releaseIntermediates) {
            array.close();
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[1].get(0), 3, 96, 96)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape audio = initialize(audioEncoder, manager, dataType, inputShapes[0]);
        Deque<Shape> skips = new ArrayDeque<>();
        Shape features = inputShapes[1];
        for (SequentialBlock stage : faceEncoder) {
            features = initialize(stage, manager, dataType, features);
            skips.push(features);
        }
        Shape x = audio;
        for (SequentialBlock stage : faceDecoder) {
            Shape decoded = initialize(stage, manager, dataType, x);
            Shape skip = skips.pop();
            x = new Shape(decoded.get(0), decoded.get(1) + skip.get(1), decoded.get(2), decoded.get(3));
        }
        initialize(outputBlock, manager, dataType, x);
    }

    private static Shape initialize(Block block, NDManager manager, DataType dataType, Shape input) {
        block.initialize(manager, dataType, input);
        return block.getOutputShapes(new Shape[] {input})[0];
    }

    /** The kinds of tensor in PyTorch's Wav2Lip {@code state_dict}. */
    enum TensorKind { CONV_WEIGHT, CONV_BIAS, TRANSPOSED_WEIGHT, TRANSPOSED_BIAS, NORM_WEIGHT, NORM_BIAS,
        NORM_RUNNING_MEAN, NORM_RUNNING_VAR }

    /** Supplies the generator's tensors one after the other. */
    @FunctionalInterface
    interface TensorSource {
        /**
         * @param shape the tensor's shape in PyTorch ({@code [cout, cin, kh, kw]} for convolutions,
         *     {@code [cin, cout, 3, 3]} for transposed ones)
         * @return its values, row-major
         */
        float[] next(TensorKind kind, long[] shape);
    }

    /**
     * Sets every tensor, in the order and layouts of PyTorch's Wav2Lip {@code state_dict} (modules
     * in registration order; a convolution's weight then bias; a BatchNorm's weight, bias,
     * running_mean, running_var; {@code num_batches_tracked} has no counterpart). Call after
     * {@link #initialize}.
     */
    void setWeights(TensorSource source) {
        setWeights(this, source);
    }

    private static void setWeights(Block block, TensorSource source) {
        if (block instanceof Conv2d conv) {
            for (String name : new String[] {"weight", "bias"}) {
                NDArray array = conv.getParameters().get(name).getArray();
                array.set(checked(source.next(name.equals("weight") ? TensorKind.CONV_WEIGHT : TensorKind.CONV_BIAS,
                        array.getShape().getShape()), array.size()));
            }
        } else if (block instanceof StrideTwoTransposedConv up) {
            up.setWeights(source.next(TensorKind.TRANSPOSED_WEIGHT, new long[] {up.inChannels(), up.outChannels(), 3, 3}),
                    source.next(TensorKind.TRANSPOSED_BIAS, new long[] {up.outChannels()}));
        } else if (block instanceof PointTransposedConv up) {
            up.setWeights(source.next(TensorKind.TRANSPOSED_WEIGHT, new long[] {up.inChannels(), up.outChannels(), 3, 3}),
                    source.next(TensorKind.TRANSPOSED_BIAS, new long[] {up.outChannels()}));
        } else if (block instanceof BatchNorm norm) {
            String[] names = {"gamma", "beta", "runningMean", "runningVar"};
            TensorKind[] kinds = {TensorKind.NORM_WEIGHT, TensorKind.NORM_BIAS, TensorKind.NORM_RUNNING_MEAN,
                TensorKind.NORM_RUNNING_VAR};
            for (int i = 0; i < names.length; i++) {
                NDArray array = norm.getParameters().get(names[i]).getArray();
                array.set(checked(source.next(kinds[i], array.getShape().getShape()), array.size()));
            }
        } else {
            for (Block child : block.getChildren().values()) {
                setWeights(child, source);
            }
        }
    }

    private static float[] checked(float[] values, long size) {
        if (values.length != size) {
            throw new IllegalArgumentException("expected " + size + " values, got " + values.length);
        }
        return values;
    }

    /**
     * Sets every weight to seeded values, UNTRAINED: as PyTorch initialises a fresh model
     * (Kaiming-uniform convolutions: weights and biases uniform in +-1/sqrt(fan_in), fan_in as
     * PyTorch computes it from the weight's dimensions 1..3; BatchNorm as identity: scale 1, shift 0,
     * running mean 0, variance 1). The same seed gives the same weights.
     */
    void initializeUntrained(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] fanIn = {1};
        setWeights((kind, shape) -> {
            int count = Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
            switch (kind) {
                case CONV_WEIGHT, TRANSPOSED_WEIGHT -> {
                    fanIn[0] = shape[1] * shape[2] * shape[3];
                    return uniform(count, fanIn[0], random);
                }
                case CONV_BIAS, TRANSPOSED_BIAS -> {
                    return uniform(count, fanIn[0], random);
                }
                case NORM_WEIGHT, NORM_RUNNING_VAR -> {
                    return filled(count, 1f);
                }
                default -> {
                    return filled(count, 0f);
                }
            }
        });
    }

    private static float[] filled(int count, float value) {
        float[] values = new float[count];
        Arrays.fill(values, value);
        return values;
    }

    private static float[] uniform(int count, long fanIn, SplittableRandom random) {
        double bound = 1 / Math.sqrt(fanIn);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) ((2 * random.nextDouble() - 1) * bound);
        }
        return values;
    }
}
