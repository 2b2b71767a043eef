package com.composerelay.local;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * What {@code ./run-local.sh serve} runs: the stack made locally (as {@link LocalRun} makes it), the
 * function's HttpApi routes served over HTTP by an {@link HttpFront} on a fixed port, and the request
 * queue polled as Lambda's SQS event source does; until the process is stopped (Ctrl-C).
 */
public final class LocalServe {
    private LocalServe() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getProperty("relay.port", "8787"));
        String stackName = "compose-relay-serve-" + (System.currentTimeMillis() / 1000);
        Path logDir = Path.of("target", "local-serve");
        say("Creating the stack '%s' in LocalStack from .aws-sam/build/template.yaml ...", stackName);
        LocalDeployment stack = LocalDeployment.start(new LocalDeployment.Options(
                stackName, Map.of("WatchIntervalSeconds", "2"), null, LocalDeployment.Phala.PROMPT, logDir));
        HttpFront front;
        try {
            // One invocation at a time reaches the emulator: the front's and the queue poller's share its lock.
            front = new HttpFront(HttpApiRoutes.of(SamTemplate.read(buildDir()), LocalDeployment.FUNCTION),
                    stack.function::invoke, line -> say("  %s", line)).start(port);
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        QueuePoller poller = new QueuePoller(stack);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            say("Stopping: front, queue poller, function, Phala stand-in ...");
            front.close();
            poller.stop();
            stack.close();
            stopped.countDown();
        }, "local-serve-shutdown"));
        poller.start();

        String base = front.baseUrl().toString();
        say("");
        say("Compose Relay is served on %s", base);
        for (HttpApiRoutes.Route route : front.routes().routes()) {
            say("  %-40s %s", route.routeKey(), route.iam()
                    ? "AWS_IAM: SigV4 not checked, caller " + HttpApiEvent.LOCAL_CALLER_ARN : "authorizer " + route.authorizer());
        }
        say("  phala       stand-in on http://127.0.0.1:%d", stack.phala.port());
        say("  queue       %s, polled every second", stack.requestQueueUrl);
        say("  topic       %s", stack.topicArn);
        say("  function    log in %s", logDir.resolve(stackName + "-function.log"));
        say("");
        say("The line Phala's clients would use:");
        say("PHALA_CLOUD_API_PREFIX=%s/api/v1", base);
        say("PHALA_CLOUD_API_KEY=%s   (relay token 'local-sample', every CVM; the real key stays in LocalStack)",
                LocalDeployment.SAMPLE_TOKEN);
        say("");
        say("Try: curl -i -X PATCH %s/cvms/cvm_ykL5lbAn/compose_file -H 'content-type: application/json' \\", base);
        say("       -d '{\"compose_hash\":\"9f2c1e4b7a6d5c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b\"}'");
        say("Serving until Ctrl-C.");
        stopped.await();
    }

    private static Path buildDir() {
        return Path.of(System.getProperty("sam.build.dir", ".aws-sam/build"));
    }

    /** Lambda's SQS poller for the request queue, on its own thread, one batch at a time. */
    private static final class QueuePoller {
        private final LocalDeployment stack;
        private volatile boolean running = true;
        private final Thread thread;

        QueuePoller(LocalDeployment stack) {
            this.stack = stack;
            this.thread = Thread.ofPlatform().daemon().name("local-serve-sqs").unstarted(this::run);
        }

        void start() {
            thread.start();
        }

        void stop() {
            running = false;
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void run() {
            while (running) {
                try {
                    // A short receive under the function's lock (the emulator takes one invocation at a
                    // time; FunctionUnderEmulator.invoke holds the same lock), the waiting outside it.
                    SqsEventSource.Poll poll;
                    synchronized (stack.function) {
                        poll = stack.eventSource.pollOnce(10, 0);
                    }
                    if (poll.received() > 0) {
                        say("  queue: %d message(s) to the function; %d deleted, %d left for redelivery",
                                poll.received(), poll.deleted(), poll.failed().size());
                    } else {
                        Thread.sleep(1_000);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    if (running) {
                        say("  queue: poll failed: %s", e.getMessage());
                        try {
                            Thread.sleep(1_000);
                        } catch (InterruptedException stop) {
                            return;
                        }
                    }
                }
            }
        }
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(format, args));
    }
}
