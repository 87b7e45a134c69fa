// Path helpers from node:path and node:url (JSR's @std/path is not reachable here).
export { dirname, join } from "node:path";
export { fileURLToPath as fromFileUrl } from "node:url";
