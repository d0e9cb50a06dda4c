#!/usr/bin/env bash
# The README's first command: install what is missing, build, and run pantau on the bundled
# checklists and samples with a fresh database (build/demo/pantau.db).
set -euo pipefail
cd "$(dirname "$0")/.."

tools/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"

pantau=build/core/pantau
db=build/demo/pantau.db
mkdir -p build/demo
rm -f "$db" "$db-wal" "$db-shm"
export PANTAU_DB=$db

run() { printf '\n$ pantau %s\n' "$*"; "$pantau" "$@"; }
run init
run checklist load checklists/*.xml
run institution import checklists/samples/institutions.csv
run visit import checklists/samples/visits/*
run score --all
run summary
run export --format pdf --all -o build/demo/berita-acara.pdf
run export --format xlsx --all -o build/demo/kunjungan.xlsx
run audit verify
printf '\nThe database is %s; reports are in build/demo/.\nTry: %s --db %s visit show 1\n' \
  "$db" "$pantau" "$db"
