package io.tollgate.gpu.simulator;

import java.util.SplittableRandom;

/**
 * One prompt being generated: its fixed plan (prompt size, target length, finish reason, seeded word source)
 * and its progress through the engine. Mutated only on the simulator's event loop.
 */
final class Sequence {

  enum State { WAITING, PREFILLING, DECODING, PAUSED, STALLED, FINISHED }

  private static final String[] FIRST_TOKEN_TEXT = new String[Vocabulary.generatableWords()];
  private static final String[] NEXT_TOKEN_TEXT = new String[Vocabulary.generatableWords()];

  static {
    for (int i = 0; i < FIRST_TOKEN_TEXT.length; i++) {
      FIRST_TOKEN_TEXT[i] = Vocabulary.generatableWord(i);
      NEXT_TOKEN_TEXT[i] = " " + Vocabulary.generatableWord(i);
    }
  }

  final SequenceObserver observer;
  final int choiceIndex;
  /** Which of the prompt's {@code n} samples this is (0 for the first). */
  final int sampleIndex;
  final int promptTokens;
  final long[] promptBlocks;
  final int targetTokens;
  final String finishReason;
  final long arrivalNanos;
  private final SplittableRandom words;

  State state = State.WAITING;
  int generated;
  boolean everAdmitted;
  /** Prompt tokens found in the prefix cache at first admission. */
  long cachedTokens;
  long firstTokenNanos = -1;
  long lastTokenNanos;
  long dueNanos;
  /** Bumped whenever pending wake-ups of this sequence become stale (pause, preemption, end). */
  int wakeEpoch;

  private Sequence(SequenceObserver observer, int choiceIndex, int sampleIndex, PromptTokens prompt,
      int targetTokens, String finishReason, SplittableRandom words, long arrivalNanos) {
    this.observer = observer;
    this.choiceIndex = choiceIndex;
    this.sampleIndex = sampleIndex;
    this.promptTokens = prompt.count();
    this.promptBlocks = prompt.blockHashes();
    this.targetTokens = targetTokens;
    this.finishReason = finishReason;
    this.words = words;
    this.arrivalNanos = arrivalNanos;
  }

  /**
   * Plans the output. Words are drawn from a generator seeded by the request's {@code seed}, or else by the
   * config seed + the prompt's hash, so the same request always gives the same text. Length: max tokens when
   * given (finish "length"); with ignore_eos and no max, defaultMaxTokens (finish "length"); otherwise a
   * deterministic draw in [1, defaultMaxTokens] (finish "stop"); a request with a natural length (a
   * transcript) stops there (finish "stop") unless max tokens cut it first. Always capped by the context
   * window. Sample k of a prompt ({@code n} > 1) draws from seed + k, so the samples differ.
   */
  static Sequence plan(SequenceObserver observer, int choiceIndex, int sampleIndex, PromptTokens prompt,
      GenerationRequest request, SimulatorConfig config, long arrivalNanos) {
    long seed = (request.seed() != null ? request.seed() : config.seed() + prompt.hash())
        + sampleIndex * 0x9E3779B97F4A7C15L;
    SplittableRandom words = new SplittableRandom(seed);
    int room = config.maxModelLen() - prompt.count();
    int target;
    String finish;
    Integer transcript = request.naturalTokens();
    if (transcript != null && (request.maxTokens() == null || transcript <= request.maxTokens())) {
      target = Math.max(1, Math.min(transcript, room));
      finish = transcript < room ? "stop" : "length";
    } else if (request.maxTokens() != null) {
      target = request.maxTokens();
      finish = "length";
    } else if (request.ignoreEos()) {
      target = Math.min(config.defaultMaxTokens(), room);
      finish = "length";
    } else {
      int natural = 1 + words.nextInt(config.defaultMaxTokens());
      target = Math.min(natural, room);
      finish = natural < room ? "stop" : "length";
    }
    return new Sequence(observer, choiceIndex, sampleIndex, prompt, target, finish, words, arrivalNanos);
  }

  /** The next word; every token but the first carries its leading space, as BPE tokens do. */
  String nextTokenText() {
    int word = words.nextInt(FIRST_TOKEN_TEXT.length);
    return generated == 0 ? FIRST_TOKEN_TEXT[word] : NEXT_TOKEN_TEXT[word];
  }

  /** KV cache tokens this sequence holds while running. */
  long kvTokens() {
    return (long) promptTokens + generated;
  }

  boolean finished() {
    return state == State.FINISHED;
  }
}
