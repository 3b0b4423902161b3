# Sourced by ./streamrag and .ci/run: sets JAVA_HOME to a JDK >= 21 (JAVA_HOME if it qualifies, else the newest
# JDK found under /usr/lib/jvm or on the PATH), or says in one line what is missing.
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'; }
pick_jdk() {
  local candidate best="" best_major=0 major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/* "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [[ -n "$candidate" && -x "$candidate/bin/java" && -x "$candidate/bin/javac" ]] || continue
    major=$(java_major "$candidate"); [[ -n "$major" ]] || continue
    if [[ "$candidate" == "${JAVA_HOME:-}" && "$major" -ge 21 ]]; then best="$candidate"; break; fi
    if (( major >= 21 && major > best_major )); then best="$candidate"; best_major=$major; fi
  done
  if [[ -z "$best" ]]; then
    echo "StreamRAG needs a JDK 21 or newer (found only older ones); install one and set JAVA_HOME to it." >&2
    return 1
  fi
  export JAVA_HOME="$best"
}
pick_jdk
