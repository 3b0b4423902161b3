package io.streamrag.cli;

import java.net.HttpURLConnection;
import java.net.URI;

/**
 * A container health check for images that hold no shell or curl: {@code java -cp /app/classes
 * io.streamrag.cli.HealthProbe http://localhost:8092/ready} exits 0 when the URL answers 2xx, 1 otherwise. Kept
 * to the JDK's own classes so that it starts in a fraction of a second.
 */
public final class HealthProbe {

    private HealthProbe() {
    }

    public static void main(String[] args) {
        System.exit(args.length == 1 && healthy(args[0]) ? 0 : 1);
    }

    static boolean healthy(String url) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
            connection.setConnectTimeout(2_000);
            connection.setReadTimeout(3_000);
            int status = connection.getResponseCode();
            connection.disconnect();
            return status >= 200 && status < 300;
        } catch (Exception e) {
            System.err.println("unhealthy: " + url + ": " + e.getMessage());
            return false;
        }
    }
}
