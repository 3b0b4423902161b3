#!/usr/bin/env bash
# The root file system under the stream images, made without a container engine or a registry (no base image
# can be pulled): a jlink'd Java runtime, the C and C++ runtime libraries it and the bundled native libraries
# need (ONNX Runtime and the DJL tokenizer are unpacked from their jars at run time and load libstdc++ and
# libgcc_s), a user, and writable folders. The libraries are copied from the build host, so build on Linux x86-64
# with glibc (Debian 12's glibc 2.36 is what the images were checked with).
#
# usage: rootfs.sh OUTPUT_DIR   (JAVA_HOME: a JDK >= 21 whose jlink makes the runtime)
set -euo pipefail

out=${1:?usage: rootfs.sh OUTPUT_DIR}
jlink="${JAVA_HOME:?JAVA_HOME must point at a JDK}/bin/jlink"
arch_libs=/lib/x86_64-linux-gnu

[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || { echo "rootfs.sh: images are built on Linux x86-64 only" >&2; exit 1; }
[ -e /lib64/ld-linux-x86-64.so.2 ] || { echo "rootfs.sh: no glibc loader at /lib64/ld-linux-x86-64.so.2" >&2; exit 1; }

# What `jdeps --print-module-deps` finds in the application's jars, plus the modules loaded by name or
# reflection (the monitor's HTTP server, Kafka's SASL and DNS lookups, charsets and Korean locale data).
modules=java.base,java.compiler,java.desktop,java.logging,java.management,java.naming,java.net.http,java.rmi,java.scripting,\
java.security.jgss,java.security.sasl,java.sql,java.xml,jdk.charsets,jdk.crypto.ec,jdk.httpserver,\
jdk.incubator.vector,jdk.localedata,jdk.management,jdk.naming.dns,jdk.net,jdk.security.auth,jdk.unsupported,jdk.zipfs

rm -rf "$out"
mkdir -p "$out/opt" "$out/etc" "$out/lib64" "$out/$arch_libs" "$out/tmp" "$out/home/streamrag" "$out/var/lib/streamrag"
"$jlink" --add-modules "$modules" --include-locales=en,ko --strip-debug --no-man-pages --no-header-files \
    --compress=zip-6 --output "$out/opt/java"

# Headless: the X11, sound and splash-screen libraries of java.desktop would pull in X11 client libraries.
rm -f "$out/opt/java/lib/libawt_xawt.so" "$out/opt/java/lib/libjsound.so" "$out/opt/java/lib/libsplashscreen.so"

# Every shared library the runtime links against, and those the unpacked native libraries need.
needed=$( { find "$out/opt/java" -name '*.so' -o -path '*/bin/*' -type f; } | xargs ldd 2>/dev/null \
    | awk '/=> \// { print $3 }' | sort -u)
for lib in $needed $arch_libs/libstdc++.so.6 $arch_libs/libgcc_s.so.1 $arch_libs/libdl.so.2 \
           $arch_libs/libpthread.so.0 $arch_libs/librt.so.1 $arch_libs/libm.so.6 $arch_libs/libc.so.6; do
    case "$lib" in
        "$out"/*) ;;                                   # the runtime's own libraries, found by their RPATH
        *) cp -L "$lib" "$out/$arch_libs/$(basename "$lib")" ;;
    esac
done
cp -L /lib64/ld-linux-x86-64.so.2 "$out/lib64/ld-linux-x86-64.so.2"

# A user for the process (Java takes user.home from it; DJL unpacks its tokenizer under it).
printf 'root:x:0:0:root:/root:/sbin/nologin\nstreamrag:x:10001:10001:streamrag:/home/streamrag:/sbin/nologin\n' > "$out/etc/passwd"
printf 'root:x:0:\nstreamrag:x:10001:\n' > "$out/etc/group"
printf 'hosts: files dns\n' > "$out/etc/nsswitch.conf"
echo "rootfs.sh: $(du -sh "$out" | cut -f1) in $out"
