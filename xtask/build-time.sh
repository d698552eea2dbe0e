#!/usr/bin/env bash
# Build time of `kareo-sdk` alone, measured in one run on one machine: every build is
# `cargo clean -p kareo-sdk` then `cargo build -p kareo-sdk` with its dependencies already built
# and `CARGO_INCREMENTAL=0`, RUNS times (3 by default). Prints each time (wall, and CPU: user +
# system), then the medians.
#
# Two modes:
#
#   xtask/build-time.sh BASE [HEAD]            # a base revision against another
#   CONFIGS="dev dev-serde release" RUNS=5 xtask/build-time.sh main~3
#
# compares two revisions, alternating them, and reports the ratio head / base per
# configuration (HEAD defaults to the working tree's HEAD), and, for each revision, the cost of
# the `serde` feature when both a configuration and its `-serde` twin were measured;
#
#   xtask/build-time.sh --serde [REV]          # one revision, with and without serde
#   RUNS=5 xtask/build-time.sh --serde .       # `.`: the working tree as it is, uncommitted
#
# measures one revision (default HEAD) in every configuration, taking the configurations in
# turn within each run, and reports the medians and the cost of the `serde` feature as the
# ratios dev-serde / dev and release-serde / release (the issue's target: at most 1.5).
#
# Configurations: `dev` (default features), `dev-serde` (`--features serde`), `release`,
# `release-serde`; CONFIGS picks them (`dev dev-serde` by default when comparing revisions, all
# four with `--serde`). Each revision is checked out into its own worktree under $WORK (default
# /tmp/kareo-build-time) with its own target directory, so that they share nothing but the
# machine (`.` builds in place, into $CARGO_TARGET_DIR or else $WORK/here-target). Nothing else
# should run meanwhile: every build is measured alike, but noise is noise.
set -euo pipefail

mode=compare
if [ "${1:-}" = "--serde" ]; then
    mode=serde
    shift
    rev=${1:-HEAD}
    configs=${CONFIGS:-dev dev-serde release release-serde}
else
    base=${1:?usage: build-time.sh BASE [HEAD] | build-time.sh --serde [REV]}
    head=${2:-HEAD}
    configs=${CONFIGS:-dev dev-serde}
fi
runs=${RUNS:-3}
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

target_of() { # dir
    if [ "$1" = "$repo" ]; then echo "${CARGO_TARGET_DIR:-$work/here-target}"; else echo "$1/target"; fi
}

build_deps() { # dir config: the dependencies (and the package), untimed
    # shellcheck disable=SC2046
    (cd "$1" && CARGO_TARGET_DIR=$(target_of "$1") cargo build -q -p kareo-sdk $(flags "$2"))
}

build_once() { # dir config -> wall seconds, CPU seconds
    local dir=$1 f
    f=$(flags "$2")
    (
        cd "$dir"
        CARGO_TARGET_DIR=$(target_of "$dir")
        export CARGO_TARGET_DIR
        # `cargo clean` takes the profile, not features: it removes every build of the package
        # in that profile, with or without them.
        case $2 in release*) cargo clean -q -p kareo-sdk --release ;; *) cargo clean -q -p kareo-sdk ;; esac
        # Wall time, and CPU time (user + system, rustc's and cargo's), which another load on
        # the machine disturbs less.
        local out
        out=$(mktemp)
        # shellcheck disable=SC2086
        /usr/bin/time -f '%e %U %S' -o "$out" cargo build -q -p kareo-sdk $f
        awk '{printf "%.2f %.2f\n", $1, $2 + $3}' "$out"
        rm -f "$out"
    )
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
# The median of column $2 of file $1.
col() { awk -v c="$2" '{print $c}' "$1" | median; }

if [ "$mode" = serde ]; then
    if [ "$rev" = . ]; then
        dir=$repo
        echo "working tree of $(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD || echo ' (modified)'), $runs runs, $(nproc) cores"
    else
        dir=$(checkout one "$rev")
        echo "revision $(git -C "$dir" rev-parse --short HEAD), $runs runs, $(nproc) cores"
    fi
    for config in $configs; do
        build_deps "$dir" "$config"
        : >"$work/$config.one"
    done
    for i in $(seq "$runs"); do
        line=$(printf 'run %d:' "$i")
        for config in $configs; do
            read -r t c < <(build_once "$dir" "$config")
            echo "$t $c" >>"$work/$config.one"
            line+=$(printf '  %s %6.2f s (cpu %6.2f s)' "$config" "$t" "$c")
        done
        echo "$line"
    done
    for config in $configs; do
        printf '%-14s median %6.2f s (cpu %6.2f s)\n' "$config" "$(col "$work/$config.one" 1)" "$(col "$work/$config.one" 2)"
    done
    has() { case " $configs " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
    for plain in dev release; do
        has "$plain" && has "$plain-serde" || continue
        ratio() { echo "$(col "$work/$plain-serde.one" "$1") / $(col "$work/$plain.one" "$1")" | bc -l; }
        printf '%-14s serde / no serde %.3f (cpu %.3f)\n' "$plain" "$(ratio 1)" "$(ratio 2)"
    done
    if [ "$dir" != "$repo" ]; then git -C "$repo" worktree remove --force "$dir"; fi
    exit 0
fi

base_dir=$(checkout base "$base")
head_dir=$(checkout head "$head")
echo "base $(git -C "$base_dir" rev-parse --short HEAD), head $(git -C "$head_dir" rev-parse --short HEAD), $runs runs, $(nproc) cores"

for config in $configs; do
    # Dependencies first, untimed.
    for dir in "$base_dir" "$head_dir"; do
        build_deps "$dir" "$config"
    done
    : >"$work/$config.base"
    : >"$work/$config.head"
    for i in $(seq "$runs"); do
        read -r t tc < <(build_once "$base_dir" "$config")
        echo "$t $tc" >>"$work/$config.base"
        read -r u uc < <(build_once "$head_dir" "$config")
        echo "$u $uc" >>"$work/$config.head"
        printf '%-14s run %d: base %6.2f s (cpu %6.2f s)  head %6.2f s (cpu %6.2f s)\n' "$config" "$i" "$t" "$tc" "$u" "$uc"
    done
    b=$(col "$work/$config.base" 1)
    h=$(col "$work/$config.head" 1)
    bc_=$(col "$work/$config.base" 2)
    hc=$(col "$work/$config.head" 2)
    printf '%-14s median: base %6.2f s  head %6.2f s  head/base %.3f (cpu: base %6.2f s  head %6.2f s  head/base %.3f)\n' \
        "$config" "$b" "$h" "$(echo "$h / $b" | bc -l)" "$bc_" "$hc" "$(echo "$hc / $bc_" | bc -l)"
done

# The serde feature's cost in each revision, when both of a pair were measured.
for plain in dev release; do
    case " $configs " in *" $plain "*) ;; *) continue ;; esac
    case " $configs " in *" $plain-serde "*) ;; *) continue ;; esac
    for side in base head; do
        r=$(echo "$(col "$work/$plain-serde.$side" 1) / $(col "$work/$plain.$side" 1)" | bc -l)
        rc=$(echo "$(col "$work/$plain-serde.$side" 2) / $(col "$work/$plain.$side" 2)" | bc -l)
        printf '%-14s %s: serde / no serde %.3f (cpu %.3f)\n' "$plain" "$side" "$r" "$rc"
    done
done

git -C "$repo" worktree remove --force "$base_dir"
git -C "$repo" worktree remove --force "$head_dir"
