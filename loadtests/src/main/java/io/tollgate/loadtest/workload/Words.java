package io.tollgate.loadtest.workload;

import java.util.SplittableRandom;

/**
 * Prompt text of a given length in tokens, without a tokenizer: common short English words, each one token
 * for vLLM's tokenizers (with its leading space) and exactly one for the Tollgate simulator, which counts
 * whitespace-separated words.
 */
final class Words {

  private static final String[] VOCABULARY = ("the of and to in is you that it he was for on are as with his they at be "
      + "this have from or one had by word but not what all were we when your can said there use an each which she do "
      + "how their if will up other about out many then them these so some her would make like him into time has look "
      + "two more write go see number no way could people my than first water been call who oil its now find long down "
      + "day did get come made may part over new sound take only little work know place year live me back give most "
      + "very after thing our just name good sentence man think say great where help through much before line right "
      + "too mean old any same tell boy follow came want show also around form three small set put end does another "
      + "well large must big even such because turn here why ask went men read need land different home us move try "
      + "kind hand picture again change off play spell air away animal house point page letter mother answer found "
      + "study still learn should world high every near add food between own below country plant last school father "
      + "keep tree never start city earth eye light thought head under story saw left few while along might close "
      + "something seem next hard open example begin life always those both paper together got group often run").split(" ");

  private Words() {
  }

  static String text(SplittableRandom random, int tokens) {
    StringBuilder sb = new StringBuilder(tokens * 6);
    for (int i = 0; i < tokens; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(VOCABULARY[random.nextInt(VOCABULARY.length)]);
    }
    return sb.toString();
  }

  static int count(String text) {
    int n = 0;
    boolean inWord = false;
    for (int i = 0; i < text.length(); i++) {
      boolean space = Character.isWhitespace(text.charAt(i));
      if (!space && !inWord) {
        n++;
      }
      inWord = !space;
    }
    return n;
  }
}
