/** Runtime settings the server injects into index.html, read once at start-up. */
export interface RoostConfig {
  /** The mount path without a trailing slash: "" at the site root, "/roost" under a prefix. */
  rootPath: string;
}

function readConfig(): RoostConfig {
  // Outside a page (unit tests) there is no document, and so no injected settings.
  const node = typeof document === "undefined" ? null : document.getElementById("roost-config");
  let rootPath = "";
  if (node?.textContent) {
    try {
      const parsed: unknown = JSON.parse(node.textContent);
      const value = (parsed as { root_path?: unknown }).root_path;
      if (typeof value === "string") rootPath = value;
    } catch {
      // A broken tag means the server is misconfigured; the site root is the best guess left.
      rootPath = "";
    }
  }
  return { rootPath: rootPath.replace(/\/+$/, "") };
}

export const config: RoostConfig = readConfig();
