# Sourced by the other scripts: points JAVA_HOME and PATH at a JDK 25 (the Lambda runtime is
# java25), or stops with a message saying where it looked.
#   . scripts/java-home.sh
_java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }

_find_jdk25() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-* /usr/lib/jvm/java-25-* /usr/lib/jvm/jdk-25* /opt/java/jdk-25*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    if [ "$(_java_major "$candidate")" = "25" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if JDK25=$(_find_jdk25); then
  export JAVA_HOME="$JDK25"
  export PATH="$JAVA_HOME/bin:$PATH"
else
  echo "compose-relay: no JDK 25 found (looked at \$JAVA_HOME and /usr/lib/jvm/temurin-25-jdk-*, java-25-*, jdk-25*)." >&2
  echo "compose-relay: install one (for example Temurin 25) and set JAVA_HOME to it." >&2
  return 1 2>/dev/null || exit 1
fi
unset JDK25
