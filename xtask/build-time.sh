#!/usr/bin/env bash
# Build time of `kareo-sdk` alone, a base revision against another, measured in one run on one
# machine: every build is `cargo clean -p kareo-sdk` then `cargo build -p kareo-sdk` with its
# dependencies already built and `CARGO_INCREMENTAL=0`, the two revisions alternating, RUNS times
# each (3 by default). Prints each time, then the medians and the ratio head / base per
# configuration.
#
#   xtask/build-time.sh BASE [HEAD]            # HEAD defaults to the working tree's HEAD
#   CONFIGS="dev dev-serde release" RUNS=5 xtask/build-time.sh main~3
#
# Configurations: `dev` (default features), `dev-serde` (`--features serde`), `release`,
# `release-serde`. Each revision is checked out into its own worktree under $WORK (default
# /tmp/kareo-build-time) with its own target directory, so that they share nothing but the
# machine. Nothing else should run meanwhile: both revisions are measured alike, but noise
# is noise.
set -euo pipefail

base=${1:?usage: build-time.sh BASE [HEAD]}
head=${2:-HEAD}
runs=${RUNS:-3}
configs=${CONFIGS:-dev dev-serde}
work=${WORK:-/tmp/kareo-build-time}
repo=$(git rev-parse --show-toplevel)

export CARGO_INCREMENTAL=0
mkdir -p "$work"

checkout() { # name rev
    local dir="$work/$1"
    if [ -d "$dir" ]; then git -C "$repo" worktree remove --force "$dir"; fi
    git -C "$repo" worktree add --detach "$dir" "$2" >/dev/null 2>&1
    # The generated code reads the pinned contract from ../shared beside the checkout; building
    # does not, so nothing more is needed.
    echo "$dir"
}

flags() { # config
    case $1 in
        dev) echo "" ;;
        dev-serde) echo "--features serde" ;;
        release) echo "--release" ;;
        release-serde) echo "--release --features serde" ;;
        *) echo "unknown configuration $1" >&2; exit 2 ;;
    esac
}

build_once() { # dir config -> seconds
    local dir=$1 f
    f=$(flags "$2")
    (
        cd "$dir"
        export CARGO_TARGET_DIR="$dir/target"
        # `cargo clean` takes the profile, not features: it removes every build of the package
        # in that profile, with or without them.
        case $2 in release*) cargo clean -q -p kareo-sdk --release ;; *) cargo clean -q -p kareo-sdk ;; esac
        local s e
        s=$(date +%s.%N)
        # shellcheck disable=SC2086
        cargo build -q -p kareo-sdk $f
        e=$(date +%s.%N)
        echo "$e - $s" | bc
    )
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

base_dir=$(checkout base "$base")
head_dir=$(checkout head "$head")
echo "base $(git -C "$base_dir" rev-parse --short HEAD), head $(git -C "$head_dir" rev-parse --short HEAD), $runs runs, $(nproc) cores"

for config in $configs; do
    # Dependencies first, untimed.
    for dir in "$base_dir" "$head_dir"; do
        # shellcheck disable=SC2046
        (cd "$dir" && CARGO_TARGET_DIR="$dir/target" cargo build -q -p kareo-sdk $(flags "$config"))
    done
    : >"$work/$config.base"
    : >"$work/$config.head"
    for i in $(seq "$runs"); do
        t=$(build_once "$base_dir" "$config")
        echo "$t" >>"$work/$config.base"
        u=$(build_once "$head_dir" "$config")
        echo "$u" >>"$work/$config.head"
        printf '%-14s run %d: base %6.2f s  head %6.2f s\n' "$config" "$i" "$t" "$u"
    done
    b=$(median <"$work/$config.base")
    h=$(median <"$work/$config.head")
    printf '%-14s median: base %6.2f s  head %6.2f s  head/base %.3f\n' "$config" "$b" "$h" "$(echo "$h / $b" | bc -l)"
done

git -C "$repo" worktree remove --force "$base_dir"
git -C "$repo" worktree remove --force "$head_dir"
