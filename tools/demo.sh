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

# ---- the workflow (docs/workflow.md): people, a board decision, follow-up, a sanction ----
printf '\n== The workflow: people and roles, a board decision, follow-up and a sanction ==\n'
password() { printf '%s-demo-2026' "$1"; }   # demo passwords; never use such in production
quietly_as() {   # quietly_as USER ARGS...: runs pantau as USER, the password on stdin
  local user=$1; shift
  password "$user" | "$pantau" --user "$user" --password-stdin "$@"
}
as() {   # as USER ARGS...: the same, showing the command
  printf '\n$ pantau --user %s %s\n' "$1" "${*:2}"
  quietly_as "$@"
}
refused() {   # refused USER ARGS...: a command the user's role may not run, shown failing
  printf '\n$ pantau --user %s %s    # refused, as it must be\n' "$1" "${*:2}"
  if quietly_as "$@"; then echo "demo: that should have been refused" >&2; exit 1; fi
}
printf '\n$ pantau user add ani --role admin --agency "Dinas Sosial"   (the first user)\n'
password ani | "$pantau" --password-stdin user add ani --role admin --agency "Dinas Sosial"
while read -r name role agency; do
  printf '%s\n%s\n' "$(password ani)" "$(password "$name")" |
    "$pantau" --user ani --password-stdin user add "$name" --role "$role" --agency "$agency" >/dev/null
done <<'USERS'
sari assessor BALKS
dewi board BALKS
rina board BALKS
tono board BALKS
eka officer Dinas Sosial
dedi officer Satpol PP
budi inspector Dinas Sosial
USERS
as ani user list

# the visit ids, found by what they are rather than by number
visit_of() {   # visit_of CHECKLIST INSTITUTION-NAME: the id of that institution's visit
  quietly_as ani visit list --json | python3 -c 'import json, sys
items = json.load(sys.stdin)["items"]
print(next(v["id"] for v in items if v["checklist_id"] == sys.argv[1] and v["institution_name"] == sys.argv[2]))' "$1" "$2"
}
accreditation=$(visit_of akreditasi-lksa "LKSA Harapan Bunda")
joint=$(visit_of monitoring-gabungan "Rumah Singgah Pelita")

# the board decides on an accreditation visit: a panel of three, one with a conflict of interest
refused budi review open "$accreditation" --panel dewi,rina,tono    # an inspector
as dewi review open "$accreditation" --panel dewi,rina,tono
review=$(quietly_as dewi review list --visit "$accreditation" --json |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][-1]["id"])')
grade=$(quietly_as ani score show "$accreditation" --json |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["grade"]["effective"] or "TT")')
as dewi review declare "$review" --no-conflict
as rina review declare "$review" --no-conflict
as tono review declare "$review" --conflict "saya pengurus yayasan lembaga ini"
refused tono review vote "$review" --grade "$grade"                   # a conflicted member
as dewi review vote "$review" --grade "$grade"
as rina review vote "$review" --grade "$grade"
as dewi review decide "$review" --conditions "Lengkapi SOP pengaduan anak dalam 6 bulan"
as ani decision list
as ani decision verify 1

# the joint monitoring of an unregistered home: its flags become findings, Satpol PP warns
as eka finding from-visit "$joint"
as dedi sanction add 3 --step 2 --reason "Belum memiliki tanda daftar LKS" --visit "$joint"
refused dedi sanction add 3 --step 4 --reason "penghentian tetap"    # Dinas Sosial's step
as ani agenda --agency "Satpol PP" --days 31
as ani institution show 3
as ani audit verify
printf '\nThe database is %s; reports are in build/demo/.\n' "$db"
printf 'Users have demo passwords NAME-demo-2026, e.g.:\n'
printf '  echo ani-demo-2026 | %s --db %s --user ani --password-stdin visit show %s\n' \
  "$pantau" "$db" "$accreditation"
