package io.streamrag.platform.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * The demo's one secret, kept in the user's home folder ({@code ~/.streamrag/demo/secret}, readable by the user
 * only). The demo's query stream derives each tenant's key from it ({@link TenantKeys#derived}); the CLI finds the
 * same file and signs requests with the same derivation, so any tenant name works with no configuration.
 */
public final class DemoSecret {

    private DemoSecret() {
    }

    public static Path defaultPath() {
        return Path.of(System.getProperty("user.home"), ".streamrag", "demo", "secret");
    }

    /** Reads the secret, creating it (32 random bytes, base64, mode 600) the first time. */
    public static byte[] loadOrCreate(Path file) {
        Optional<byte[]> existing = load(file);
        if (existing.isPresent()) {
            return existing.get();
        }
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            boolean posix = file.toAbsolutePath().getParent().getFileSystem().supportedFileAttributeViews().contains("posix");
            Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
            if (posix) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
            } else {
                Files.createFile(file);
            }
            Files.writeString(file, Base64.getEncoder().encodeToString(secret) + "\n", StandardOpenOption.TRUNCATE_EXISTING);
            return secret;
        } catch (FileAlreadyExistsException raced) {
            return load(file).orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the demo secret " + file, e);
        }
    }

    /** The secret when the file exists and holds one. */
    public static Optional<byte[]> load(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            String text = Files.readString(file).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(Base64.getDecoder().decode(text));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the demo secret " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the demo secret " + file + " is not base64; delete it to make a new one");
        }
    }
}
