import { describe, expect, it } from "vitest";
import { RestartTracker } from "./restarts";
import { DEFAULT_THRESHOLDS, isCrashLoop, levelAbove, levelBelow, resolveThresholds } from "./thresholds";

const ev = (id: string, action: string, atMs: number) => ({ Type: "container", Action: action, Actor: { ID: id }, timeNano: atMs * 1e6 });

describe("restart tracking", () => {
  it("counts a start after a die as a restart, not the first start", () => {
    const t = new RestartTracker();
    const now = Date.now();
    t.observeEvent(ev("a", "create", now - 5000));
    t.observeEvent(ev("a", "start", now - 4900));
    expect(t.restartsInWindow("a", now)).toBe(0);
    for (let i = 0; i < 4; i++) {
      t.observeEvent(ev("a", "die", now - 4000 + i * 500));
      t.observeEvent(ev("a", "start", now - 3900 + i * 500));
    }
    expect(t.restartsInWindow("a", now)).toBe(4);
    expect(isCrashLoop(t.restartsInWindow("a", now))).toBe(true);
  });

  it("seeded restarts (from the store) count, a replayed event naming one is not counted twice, and only new ones are reported", () => {
    // Whole seconds: ms × 1e6 is then exact in a double, as the engine's timeNano of a stored restart is.
    const now = Math.floor(Date.now() / 1000) * 1000;
    const heard: Array<[string, number]> = [];
    const t = new RestartTracker(undefined, (id, at) => heard.push([id, at]));
    t.seed("a", [now - 50 * 60_000, now - 40 * 60_000, now - 3000]); // two the engine no longer replays, one it does
    t.observeEvent(ev("a", "die", now - 3100));
    t.observeEvent(ev("a", "start", now - 3000)); // the replay of the third
    expect(t.restartsInWindow("a", now)).toBe(3);
    expect(heard).toEqual([]);
    t.observeEvent(ev("a", "die", now - 2000));
    t.observeEvent(ev("a", "start", now - 1000));
    expect(t.restartsInWindow("a", now)).toBe(4);
    expect(heard).toEqual([["a", now - 1000]]);
  });

  it("forgets restarts older than the window", () => {
    const t = new RestartTracker(60_000);
    const now = Date.now();
    t.observeEvent(ev("a", "die", now - 120_000));
    t.observeEvent(ev("a", "start", now - 119_000));
    t.observeEvent(ev("a", "die", now - 1000));
    t.observeEvent(ev("a", "start", now - 900));
    expect(t.restartsInWindow("a", now)).toBe(1);
  });

  it("adds RestartCount increases the events did not show, without double counting", () => {
    const t = new RestartTracker();
    const now = Date.now();
    t.observeRestartCount("a", 2, now - 10_000); // base: earlier restarts of unknown time are not counted
    t.observeEvent(ev("a", "die", now - 5000));
    t.observeEvent(ev("a", "start", now - 4900));
    t.observeRestartCount("a", 3, now - 4000); // the one seen in events
    expect(t.restartsInWindow("a", now)).toBe(1);
    t.observeRestartCount("a", 6, now - 1000); // three missed (event stream down)
    expect(t.restartsInWindow("a", now)).toBe(4);
    t.observeRestartCount("a", 0, now); // manual restart resets the counter: a new base
    expect(t.restartsInWindow("a", now)).toBe(4);
  });
});

describe("thresholds", () => {
  it("defaults to the runbooks' limits", () => {
    expect(DEFAULT_THRESHOLDS).toMatchObject({
      cpuPercent: { warn: 80 },
      memoryPercent: { warn: 85 },
      diskPercent: { warn: 80, critical: 90 },
      restartsPerHour: { warn: 3 },
      tlsDaysLeft: { warn: 7 },
    });
    expect(levelAbove(80, DEFAULT_THRESHOLDS.cpuPercent)).toBe("ok");
    expect(levelAbove(80.1, DEFAULT_THRESHOLDS.cpuPercent)).toBe("warn");
    expect(levelAbove(96, DEFAULT_THRESHOLDS.memoryPercent)).toBe("critical");
    expect(levelBelow(6, DEFAULT_THRESHOLDS.tlsDaysLeft)).toBe("warn");
    expect(levelBelow(0, DEFAULT_THRESHOLDS.tlsDaysLeft)).toBe("critical");
    expect(isCrashLoop(3)).toBe(false);
    expect(isCrashLoop(4)).toBe(true);
  });

  it("applies overrides and refuses a warn beyond its critical", () => {
    expect(resolveThresholds({ cpuPercent: { warn: 50 } }).cpuPercent).toEqual({ warn: 50, critical: 90 });
    expect(() => resolveThresholds({ diskPercent: { warn: 95 } })).toThrow(/diskPercent/);
  });
});
