#!/usr/bin/env python3
"""Runs the reference race simulation (TUMFTM/race-simulation) once per parameter file, deterministically,
and writes its lap times, race times and finishing positions as JSON for scripts/compare-reference.ts.

Usage:
  python3 packages/race-sim/scripts/reference-races.py --reference path/to/race-simulation \
      --params path/to/racesim-params --out ref-races.json [--race Shanghai_2019 ...]

Deterministic means: each driver's strategy from the file (no VSE), no random events, no probabilistic
influences; the file's recorded FCY phases and retirements. One known reference bug is patched in memory
(see patch_presim_pit_losses); the reference checkout is never written to.
"""
import argparse
import contextlib
import copy
import io
import json
import math
import os
import re
import sys
import time
import traceback
import types
import warnings

SIM_OPTS = {
    "use_prob_infl": False,
    "create_rand_events": False,
    "use_vse": False,
    "no_sim_runs": 1,
    "no_workers": 1,
    "use_print": False,
    "use_print_result": False,
    "use_plot": False,
}

# Imported by the reference's package __init__ files but only used for plots, the VSE and the basic
# optimizer, none of which a deterministic race touches; they are not installed here.
OPTIONAL_MODULES = ["pandas", "matplotlib", "matplotlib.pyplot", "tensorflow", "cvxpy"]

ALIASED_LINE = "t_pit_before_fcy_start_end = [[0.0, 0.0]] * len(fcy_phases)"
PER_PHASE_LINE = "t_pit_before_fcy_start_end = [[0.0, 0.0] for _ in fcy_phases]"


class Missing:
    """Stands for anything of a module that is not installed: fine in an annotation, fails loudly when used."""

    def __init__(self, name):
        self._name = name

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return Missing("%s.%s" % (self._name, attr))

    def __call__(self, *args, **kwargs):
        raise RuntimeError("%s was called but its module is not installed (stubbed by reference-races.py)"
                           % self._name)


def stub_missing_modules():
    for name in OPTIONAL_MODULES:
        try:
            __import__(name)
        except ImportError:
            module = types.ModuleType(name)
            module.__getattr__ = Missing(name).__getattr__
            sys.modules[name] = module
            parent, _, child = name.rpartition(".")
            if parent:
                setattr(sys.modules[parent], child, module)


def patch_presim_pit_losses():
    """`[[0.0, 0.0]] * n` makes every FCY phase share one [start, end] pit-loss list, so a pit loss found for
    one phase shifts all of them; the fix gives each phase its own list. The fixed source is executed in the
    module's own namespace, so every caller (they all call it as module.calc_racetimes_basic) gets it."""
    import racesim_basic.src.calc_racetimes_basic as module

    with open(module.__file__, encoding="utf-8") as fh:
        source = fh.read()
    if source.count(ALIASED_LINE) != 1:
        raise SystemExit("reference-races: expected exactly one `%s` in %s, found %d; the reference changed"
                         % (ALIASED_LINE, module.__file__, source.count(ALIASED_LINE)))
    exec(compile(source.replace(ALIASED_LINE, PER_PHASE_LINE), module.__file__, "exec"), module.__dict__)


def nan_to_none(x):
    x = float(x)
    return None if math.isnan(x) else x


def jsonable_phase(phase):
    return [None if isinstance(v, float) and math.isinf(v) else v for v in phase]


def simulate(race_file, mcs_file):
    from racesim.src.import_pars import import_pars
    from racesim.src.check_pars import check_pars
    from racesim.src.race import Race

    # absolute paths: import_pars joins them onto the reference's own input folder, and join keeps an absolute one
    pars_in, vse_paths = import_pars(use_print=False, use_vse=False, race_pars_file=race_file, mcs_pars_file=mcs_file)
    check_pars(sim_opts=SIM_OPTS, pars_in=pars_in)

    # race_handle() builds and simulates in one call; done in two steps here to read the FCY phases as the
    # pre-simulation converted them, before the race appends its own entries
    t_start = time.perf_counter()
    race = Race(race_pars=pars_in["race_pars"], driver_pars=pars_in["driver_pars"], car_pars=pars_in["car_pars"],
                tireset_pars=pars_in["tireset_pars"], track_pars=pars_in["track_pars"], vse_pars=pars_in["vse_pars"],
                vse_paths=vse_paths, use_prob_infl=SIM_OPTS["use_prob_infl"],
                create_rand_events=SIM_OPTS["create_rand_events"], monte_carlo_pars=pars_in["monte_carlo_pars"],
                event_pars=pars_in["event_pars"])
    fcy_phases = copy.deepcopy(race.fcy_data["phases"])
    fcy_domain = race.fcy_data["domain"]
    presim_duration = race.presim_info["race_duration"]
    race.simulate_race()
    wall_ms = (time.perf_counter() - t_start) * 1000.0

    extra = {"wall_ms": round(wall_ms, 3), "fcy_domain": fcy_domain,
             "fcy_phases": [jsonable_phase(p) for p in fcy_phases],
             "presim_race_duration": presim_duration}
    if race.result_status != 0:
        return dict({"status": "invalid", "result_status": int(race.result_status)}, **extra)

    drivers = {}
    for idx, driver in enumerate(race.drivers_list):
        # the arrays are [lap, driver] with row 0 the starting grid; laps not driven are NaN
        last = race.get_last_compl_lap(idx=idx)
        drivers[driver.initials] = {
            "lap_times": [nan_to_none(t) for t in race.laptimes[1:last + 1, idx]],
            "race_time": nan_to_none(race.racetimes[last, idx]),
            "laps_completed": int(last),
            "position": int(race.positions[-1, idx]),
            "retired": not bool(race.bool_driving[-1, idx]),
        }
    return dict({"status": "ok", "laps": int(race.race_pars["tot_no_laps"]), "drivers": drivers}, **extra)


def raised_at(error):
    """Where in the reference an error was raised: its messages alone (e.g. 'Unreasonable value!') rarely say."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if not f.filename.endswith("reference-races.py")]
    if not frames:
        return ""
    return " [at %s:%d in %s]" % (os.path.basename(frames[-1].filename), frames[-1].lineno, frames[-1].name)


def run_one(race_file, mcs_file):
    """One race, with the reference's console output kept back: its WARNING lines go into the entry."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            entry = simulate(race_file, mcs_file)
            error = None
        except Exception as e:  # noqa: BLE001 -- a refusal of any kind is the result we report
            entry = None
            error = "%s: %s%s" % (type(e).__name__, e, raised_at(e))
    lines = [line.strip() for line in out.getvalue().splitlines() if line.startswith("WARNING")]
    lines += ["%s: %s" % (w.category.__name__, w.message) for w in caught]
    if error is not None:
        return {"status": "refused", "reason": " | ".join([error] + lines)}
    if lines:
        entry["warnings"] = lines
    return entry


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", required=True, help="checkout of TUMFTM/race-simulation")
    parser.add_argument("--params", required=True, help="folder of pars_<Track>_<Season>.ini and pars_mcs.ini")
    parser.add_argument("--out", required=True, help="JSON file to write")
    parser.add_argument("--race", action="append", default=[], help="<Track>_<Season>, repeatable (default: all)")
    args = parser.parse_args()

    params = os.path.abspath(args.params)
    mcs_file = os.path.join(params, "pars_mcs.ini")
    available = sorted(m.group(1) for m in (re.fullmatch(r"pars_(\w+_\d{4})\.ini", f) for f in os.listdir(params)) if m)
    unknown = [r for r in args.race if r not in available]
    if unknown:
        parser.error("no parameter file for %s in %s" % (", ".join(unknown), params))
    if not os.path.isfile(mcs_file):
        parser.error("no pars_mcs.ini in %s" % params)

    sys.path.insert(0, os.path.abspath(args.reference))
    stub_missing_modules()
    patch_presim_pit_losses()
    import racesim.src.race  # noqa: F401 -- import errors surface here, not as per-race refusals

    results = {}
    for name in args.race or available:
        entry = run_one(os.path.join(params, "pars_%s.ini" % name), mcs_file)
        results[name] = entry
        timing = " %9.1f ms" % entry["wall_ms"] if "wall_ms" in entry else ""
        detail = {"refused": entry.get("reason"), "invalid": "result_status %s" % entry.get("result_status")}
        print("%-18s %-8s%s%s" % (name, entry["status"], timing,
                                  "  " + detail[entry["status"]] if entry["status"] in detail else ""),
              file=sys.stderr)

    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(results, fh, allow_nan=False)

    counts = {s: sum(1 for e in results.values() if e["status"] == s) for s in ("ok", "refused", "invalid")}
    times = [e["wall_ms"] for e in results.values() if e["status"] == "ok"]
    mean = " (mean %.1f ms per ok race)" % (sum(times) / len(times)) if times else ""
    print("reference: %d races: %d ok, %d refused, %d invalid%s -> %s"
          % (len(results), counts["ok"], counts["refused"], counts["invalid"], mean, args.out), file=sys.stderr)


if __name__ == "__main__":
    main()
