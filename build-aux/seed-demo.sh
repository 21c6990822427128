#!/bin/sh
# Adds a few demo companies to the server at $1 through companies-cli, with
# a throw-away local database, so they arrive like any client's adds.
set -eu
cd "$(dirname "$0")/.."

server_url="$1"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cli() { _build/src/cli/companies-cli --database "$scratch/seed.db" --server "$server_url" "$@" >/dev/null; }

cli add --name "Atlântico Navegação, Lda." --address "Rua do Infante D. Henrique 12" \
  --city "Porto" --postal-code "4050-296" --country "Portugal" --phone "+351 22 000 0101" \
  --email "geral@atlantico.example" --website "https://atlantico.example"
cli add --name "Brauerei Zum Löwen GmbH" --address "Löwenstraße 4" --city "München" \
  --postal-code "80331" --country "Germany" --phone "+49 89 000 0202" \
  --email "info@loewen.example" --notes "Delivers on Tuesdays."
cli add --name "Café Olé" --address "12 Rue de la Paix" --city "Paris" \
  --postal-code "75002" --country "France" --phone "+33 1 00 00 03 03" \
  --email "bonjour@cafeole.example"
cli add --name "Nordic Timber AB" --city "Göteborg" --country "Sweden" \
  --phone "+46 31 000 0404" --email "sales@nordictimber.example" \
  --website "https://nordictimber.example"
cli add --name "São Paulo Logística" --address "Av. Paulista 1000" --city "São Paulo" \
  --postal-code "01310-100" --country "Brazil" --phone "+55 11 0000 0505"
cli add --name "Acme Anvils Inc." --address "1 Desert Road" --city "Phoenix" \
  --postal-code "85001" --country "United States" --phone "+1 602 000 0606" \
  --email "orders@acme.example" --notes "Ask for Wile E. before 10:00."
cli add --name "Kyoto Paper Works" --city "Kyoto" --country "Japan" \
  --phone "+81 75 000 0707" --email "contact@kyotopaper.example"
cli add --name "Ελληνικά Ελαιόλαδα" --city "Καλαμάτα" --country "Greece" \
  --phone "+30 27210 00808"
cli sync
