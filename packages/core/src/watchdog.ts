/**
 * No orphans, ever: a small watchdog process per lambkin kills every runtime's process group when
 * lambkin dies by any means — `kill -9`, a crash, its terminal closed — which no code inside
 * lambkin can do, since it is gone.
 *
 * The watchdog is `/bin/sh` (about 1 MB, no engine start-up) in a session of its own, deaf to
 * SIGHUP/SIGINT/SIGTERM, so a closed terminal or a Ctrl-C aimed at lambkin does not take it along.
 * It checks every 200 ms that lambkin is alive (and not a zombie); once it is not, it SIGKILLs each
 * process group listed in `groups` (lambkin rewrites that file whenever an environment starts or
 * ends) and removes lambkin's state folder. A clean close() stops the watchdog itself.
 *
 * A lambkin whose watchdog died with it (both killed with `kill -9`, the machine stopped with a
 * lasting /tmp) leaves its folder behind, so each watchdog first removes such leftovers: folders
 * named `lambkin-<pid>-<id>` as start() names them, owned by this user, holding a `groups` file,
 * whose pid is not alive. A live pid keeps its folder even when it is some other process now (a
 * reused pid): a leftover kept is harmless, a live lambkin's folder removed is not. Limit: lambkins
 * in other pid namespaces sharing this /tmp (containers) look dead from here.
 */
import type { Child, Platform } from "./platform.ts";

const SCRIPT = `trap '' HUP INT TERM PIPE
P=$1 F=$2 D=$3 T=$4
for d in "$T"/lambkin-*-*; do
  n=\${d##*/lambkin-}; p=\${n%%-*}; r=\${n#*-}
  case $p in ''|*[!0-9]*) continue ;; esac
  case $r in ''|*[!0-9a-z]*) continue ;; esac
  [ "$p" != "$P" ] && [ -d "$d" ] && [ ! -L "$d" ] && [ -O "$d" ] && [ -f "$d/groups" ] || continue
  kill -0 "$p" 2>/dev/null && continue
  [ -d "/proc/$p" ] && continue
  chmod -R u+rwx "$d" 2>/dev/null
  rm -rf "$d"
done
alive() {
  kill -0 "$P" 2>/dev/null || return 1
  if [ -r "/proc/$P/stat" ]; then
    read -r s < "/proc/$P/stat" || return 1
    s=\${s##*) }
    [ "\${s%% *}" != Z ] || return 1
  fi
  return 0
}
while alive; do sleep 0.2; done
if [ -f "$F" ]; then
  while read -r g; do [ -n "$g" ] && kill -9 "-$g" 2>/dev/null; done < "$F"
fi
chmod -R u+rwx "$D" 2>/dev/null
rm -rf "$D"
`;

export class Watchdog {
  /** lambkin's own state folder (the watchdog removes it): environments' /tmp folders live here. */
  readonly dir: string;
  readonly #platform: Platform;
  readonly #file: string;
  readonly #groups = new Set<number>();
  #child: Child | undefined;

  private constructor(platform: Platform, dir: string) {
    this.#platform = platform;
    this.dir = dir;
    this.#file = `${dir}/groups`;
  }

  /** Starts the watchdog of this lambkin, or returns undefined where the platform keeps no files. */
  static async start(platform: Platform): Promise<Watchdog | undefined> {
    const host = platform.host;
    if (!host) return undefined;
    const dir = `${host.tempDir()}/lambkin-${host.pid}-${Math.random().toString(36).slice(2, 8)}`;
    await host.mkdir(dir);
    const watchdog = new Watchdog(platform, dir);
    host.writeTextFileSync(watchdog.#file, "");
    const child = platform.spawn(
      ["/bin/sh", "-c", SCRIPT, "lambkin-watchdog", String(host.pid), watchdog.#file, dir, host.tempDir()],
      {
        cwd: dir,
        env: { PATH: "/usr/bin:/bin" },
      },
    );
    // It says nothing; its pipes are not read.
    void child.stdout.cancel().catch(() => {});
    void child.stderr.cancel().catch(() => {});
    watchdog.#child = child;
    return watchdog;
  }

  /** Records a runtime's process group (its leader's pid), before anything else can happen to it. */
  track(pid: number): void {
    this.#groups.add(pid);
    this.#write();
  }

  untrack(pid: number): void {
    if (this.#groups.delete(pid)) this.#write();
  }

  #write(): void {
    // Synchronous: a runtime spawned and not yet on disk would be the one orphan a kill -9 leaves.
    this.#platform.host?.writeTextFileSync(this.#file, [...this.#groups].map((g) => `${g}\n`).join(""));
  }

  /** Stops the watchdog and removes the state folder (lambkin has stopped every runtime itself). */
  async close(): Promise<void> {
    const child = this.#child;
    if (child) {
      child.kill("SIGKILL");
      await child.exited;
    }
    await this.#platform.host?.remove(this.dir);
  }
}
