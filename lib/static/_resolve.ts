/**
 * From a request path to a real file inside `root`, safe by construction:
 * the path is split and each segment decoded once and checked before any
 * file-system call, so `..`, separators in any encoding, NUL bytes and
 * (when denied) dotfiles never reach one; then the candidate's real path
 * (symlinks resolved) must still be inside the real root.
 *
 * @module
 */

import { isAbsolute, join, relative, sep } from "node:path";
import process from "node:process";
import { _isNotFound, type _StaticFs } from "./_fs.ts";

/** Whether names starting with "." may be served. */
export type _Dotfiles = "allow" | "deny";

/** A request path split into decoded, checked segments. */
export interface _RequestPath {
  /** The decoded segments, none empty, none "." or "..", none holding a separator or NUL. */
  readonly segments: readonly string[];
  /** Whether the path ended with "/" (or was "/"): it names a folder. */
  readonly directory: boolean;
  /** The last segment as the client encoded it, for a relative redirect. */
  readonly rawLast: string;
}

// Windows also splits paths at ":" (drive letters, alternate data streams).
const SEPARATOR = process.platform === "win32" ? /[/\\:\0]/ : /[/\\\0]/;

/** Whether a decoded segment may name a file: not ".", "..", no separator or NUL, no dotfile when denied. */
export function _safeSegment(segment: string, dotfiles: _Dotfiles): boolean {
  if (segment === "" || segment === "." || segment === "..") return false;
  if (SEPARATOR.test(segment)) return false;
  return dotfiles === "allow" || !segment.startsWith(".");
}

/**
 * Splits a percent-encoded path into safe segments, or `undefined` when any
 * segment is unsafe, empty (`//`) or badly encoded: such a path names no file
 * and is answered 404 without a file-system call.
 */
export function _splitRequestPath(path: string, dotfiles: _Dotfiles): _RequestPath | undefined {
  if (!path.startsWith("/")) return undefined;
  const raw = path.slice(1).split("/");
  const directory = raw[raw.length - 1] === "";
  if (directory) raw.pop();
  const segments: string[] = [];
  for (const encoded of raw) {
    let segment: string;
    try {
      segment = decodeURIComponent(encoded);
    } catch {
      return undefined;
    }
    if (!_safeSegment(segment, dotfiles)) return undefined;
    segments.push(segment);
  }
  return { segments, directory, rawLast: raw[raw.length - 1] ?? "" };
}

/** The path of a URL as `Request.url` gives it, without query or fragment, not normalized. */
export function _rawPathOf(url: string): string {
  const scheme = url.indexOf("://");
  const start = url.indexOf("/", scheme === -1 ? 0 : scheme + 3);
  if (start === -1) return "/";
  const end = url.slice(start).search(/[?#]/);
  return end === -1 ? url.slice(start) : url.slice(start, start + end);
}

/** Whether `path` is `root` or inside it; both absolute and real. */
export function _isInside(root: string, path: string): boolean {
  if (path === root) return true;
  const rel = relative(root, path);
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel);
}

/**
 * Resolves `candidate` (a path under `root`, built from safe segments) to its
 * real path, or `undefined` when it does not exist, is unreadable, or is (or
 * passes through) a symlink that leaves `root`, or, with dotfiles denied, has
 * a real name starting with ".". Other file-system errors reject.
 */
export async function _realPathInside(
  fs: _StaticFs,
  root: string,
  candidate: string,
  dotfiles: _Dotfiles,
): Promise<string | undefined> {
  // Defense in depth: safe segments cannot leave root, but nothing outside it goes to fs either way.
  if (!_isInside(root, candidate)) return undefined;
  let real: string;
  try {
    real = await fs.realpath(candidate);
  } catch (error) {
    if (_isNotFound(error)) return undefined;
    throw error;
  }
  if (!_isInside(root, real)) return undefined;
  if (dotfiles === "deny" && real !== root) {
    if (relative(root, real).split(sep).some((name) => name.startsWith("."))) return undefined;
  }
  return real;
}

/** `root` joined with `segments`. */
export function _under(root: string, segments: readonly string[]): string {
  return segments.length === 0 ? root : join(root, ...segments);
}
