package com.composerelay.bench.cold;

/** The floor: a JVM that starts, prints the same marks line as a cold relay, and stops. */
public final class Hello {
    private Hello() {}

    public static void main(String[] args) {
        long main = Marks.nowMicros();
        Marks.finish(true, main, main, Marks.nowMicros(), "hello");
    }
}
