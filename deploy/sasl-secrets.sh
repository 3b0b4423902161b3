#!/usr/bin/env sh
# Writes the secret files deploy/compose.sasl.yml mounts (deploy/secrets/, never committed): random passwords for
# the broker's admin and the three stream principals, as JAAS lines and client property files. Run once:
#   sh deploy/sasl-secrets.sh && docker compose -f docker-compose.yml -f deploy/compose.sasl.yml up -d
# Existing files are kept, so running it again changes nothing.
set -eu
dir="$(dirname "$0")/secrets"
mkdir -p "$dir"
# The folder keeps other host users out; the files must be readable by the containers' own (non-root) users,
# which see each file through its bind mount only.
chmod 700 "$dir"
umask 022

password() { openssl rand -hex 24; }

if [ ! -f "$dir/kafka_server.jaas" ]; then
  admin="$(password)"
  # The broker's own JAAS file: PLAIN for the controller and inter-broker links (the admin, static), SCRAM for clients.
  cat > "$dir/kafka_server.jaas" <<JAAS
controller.KafkaServer {
  org.apache.kafka.common.security.plain.PlainLoginModule required
  username="admin" password="$admin" user_admin="$admin";
};
internal.KafkaServer {
  org.apache.kafka.common.security.plain.PlainLoginModule required
  username="admin" password="$admin" user_admin="$admin";
  org.apache.kafka.common.security.scram.ScramLoginModule required;
};
host.KafkaServer {
  org.apache.kafka.common.security.scram.ScramLoginModule required;
};
JAAS
  printf 'org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="%s";\n' "$admin" > "$dir/admin.jaas"
  printf 'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=%s\n' "$(cat "$dir/admin.jaas")" > "$dir/admin.properties"
fi

for user in ingest query monitor; do
  if [ ! -f "$dir/$user.jaas" ]; then
    printf 'org.apache.kafka.common.security.scram.ScramLoginModule required username="%s" password="%s";\n' \
      "$user" "$(password)" > "$dir/$user.jaas"
  fi
done
echo "secrets in $dir"
