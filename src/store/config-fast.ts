// The config for hot paths (hooks, prime): defaults without touching YAML when there is no config file,
// else the parsed config from .wm/cache/config.json while .wm/config.yaml is unchanged. A config file
// that does not validate throws the same WmError as loadConfig (and is not cached).

import type { Config } from "../core/config-defaults.js";
import { defaultConfig } from "../core/config-defaults.js";
import { loadConfig } from "./config-store.js";
import { cached, statKey } from "./json-cache.js";
import type { ProjectPaths } from "./paths.js";

export async function configFast(paths: ProjectPaths): Promise<Config> {
  if (statKey(paths.configFile) === "-") return defaultConfig();
  return cached(paths, "config", [paths.configFile], async () => (await loadConfig(paths)).config);
}
