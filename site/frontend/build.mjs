// Builds the lesson page front end into the template's static folder:
// lesson.js and lesson.css (minified), early.js (inlined into each lesson page), plus build-info.json with a digest of the
// sources and the lock file (a test compares it, so a stale build is caught) and of
// each output (part of the site's asset version token).
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const OUT = "../voila/templates/kynangso/static/lesson";

export function sourceDigest() {
  const hash = createHash("sha256");
  const files = ["package.json", "package-lock.json", "build.mjs",
    ...readdirSync("src").sort().map((name) => join("src", name))];
  for (const file of files) {
    hash.update(file + "\0" + readFileSync(file) + "\0");
  }
  return hash.digest("hex");
}

const result = await build({
  entryPoints: { lesson: "src/index.js", early: "src/early.js" },
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2019", "chrome70", "safari12"],
  legalComments: "linked",
  outdir: OUT,
  metafile: true,
  logLevel: "warning",
  define: { "process.env.NODE_ENV": '"production"' },
  alias: { "sanitize-html": "./src/text-only-sanitizer.js" },
});
const outputs = Object.fromEntries(["lesson.js", "lesson.css", "early.js"].map((name) =>
  [name, createHash("sha256").update(readFileSync(join(OUT, name))).digest("hex")]));
writeFileSync(join(OUT, "build-info.json"), JSON.stringify({ sources: sourceDigest(), outputs }, null, 1) + "\n");
for (const [name, output] of Object.entries(result.metafile.outputs)) {
  console.log(name, output.bytes);
}
