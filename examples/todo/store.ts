/**
 * Where the todo app keeps its todos: a small `TodoStore` interface, a SQLite
 * implementation on the runtime's own driver (`node:sqlite` on Deno,
 * `bun:sqlite` on Bun, each imported only on its own runtime), and an
 * in-memory one for runtimes without a file system, such as a Worker.
 *
 * @module
 */

/** A todo as the API shows it. */
export interface Todo {
  id: number;
  title: string;
  done: boolean;
}

/** What a change may set; a missing field is left as it is. */
export interface TodoChanges {
  title?: string | undefined;
  done?: boolean | undefined;
}

/** The storage the app opens once per build and closes with `app.close()`. */
export interface TodoStore {
  /** Every todo, oldest first. */
  list(): Todo[];
  /** The todo with `id`, or `undefined`. */
  get(id: number): Todo | undefined;
  /** Stores a new todo and returns it with its id. */
  create(title: string, done: boolean): Todo;
  /** Applies `changes`; returns the todo as it is now, or `undefined` if there is none. */
  update(id: number, changes: TodoChanges): Todo | undefined;
  /** Deletes the todo; returns whether there was one. */
  delete(id: number): boolean;
  /** Releases the storage. */
  close(): void;
}

/**
 * Where the SQLite file goes: `TODO_DB` if set, else `todo.db` in `DATA_DIR`,
 * else `./data/todo.db`.
 */
export function todoDatabasePath(env: Readonly<Record<string, string | undefined>>): string {
  if (env.TODO_DB) return env.TODO_DB;
  return `${(env.DATA_DIR || "./data").replace(/\/+$/, "")}/todo.db`;
}

const _SCHEMA = `
  CREATE TABLE IF NOT EXISTS todos (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1))
  )`;

/** The values the statements below bind. */
type _SqlValue = string | number | null;

/** The part of a prepared statement both drivers share. */
interface _Statement {
  run(...params: _SqlValue[]): unknown;
  get(...params: _SqlValue[]): unknown;
  all(...params: _SqlValue[]): unknown[];
}

/** The part of `DatabaseSync` (node:sqlite) and `Database` (bun:sqlite) the store uses. */
interface _Database {
  exec(sql: string): void;
  prepare(sql: string): _Statement;
  close(): void;
}

/** Opens a database file with the runtime's own SQLite driver. */
async function _openDatabase(path: string): Promise<_Database> {
  if ("Bun" in globalThis) {
    // Not a literal, so `deno check` and bundlers leave Bun's built-in alone; typed here by hand.
    const specifier = "bun:sqlite";
    const { Database } = await import(specifier) as {
      Database: new (path: string, options: { create: boolean }) => _Database;
    };
    return new Database(path, { create: true });
  }
  const specifier = "node:sqlite";
  const { DatabaseSync } = await import(specifier) as typeof import("node:sqlite");
  return new DatabaseSync(path);
}

/** A row as SQLite returns it: `done` is 0 or 1. */
interface _Row {
  id: number;
  title: string;
  done: number;
}

function _todo(row: unknown): Todo | undefined {
  if (row === undefined || row === null) return undefined;
  const { id, title, done } = row as _Row;
  return { id, title, done: done === 1 };
}

function _flag(value: boolean | undefined): number | null {
  return value === undefined ? null : Number(value);
}

/**
 * Opens (and creates, with its folder and table) the SQLite store at `path`.
 *
 * @param path The database file, such as `./data/todo.db`.
 * @returns The store; `close()` closes the connection.
 */
export async function openSqliteStore(path: string): Promise<TodoStore> {
  const slash = path.lastIndexOf("/");
  if (slash > 0) {
    const { mkdir } = await import("node:fs/promises");
    await mkdir(path.slice(0, slash), { recursive: true });
  }
  const db = await _openDatabase(path);
  try {
    // Several processes (deno serve --parallel) may open the same file at once.
    db.exec("PRAGMA busy_timeout = 5000");
    db.exec("PRAGMA journal_mode = WAL");
    db.exec(_SCHEMA);
  } catch (error) {
    db.close();
    throw error;
  }
  const statements = {
    list: db.prepare("SELECT id, title, done FROM todos ORDER BY id"),
    get: db.prepare("SELECT id, title, done FROM todos WHERE id = ?"),
    create: db.prepare("INSERT INTO todos (title, done) VALUES (?, ?) RETURNING id, title, done"),
    update: db.prepare(
      "UPDATE todos SET title = coalesce(?, title), done = coalesce(?, done) WHERE id = ? " +
        "RETURNING id, title, done",
    ),
    delete: db.prepare("DELETE FROM todos WHERE id = ? RETURNING id"),
  };
  return {
    list: () => statements.list.all().map((row) => _todo(row) as Todo),
    get: (id) => _todo(statements.get.get(id)),
    create: (title, done) => _todo(statements.create.get(title, Number(done))) as Todo,
    update: (id, changes) =>
      _todo(statements.update.get(changes.title ?? null, _flag(changes.done), id)),
    delete: (id) => _todo(statements.delete.get(id)) !== undefined,
    close: () => db.close(),
  };
}

/**
 * Opens a store that lives in memory: for a Worker, which has no SQLite file,
 * and for tests. Async like the SQLite one, so either fits the same factory.
 *
 * @param todos What it starts with.
 * @returns The store; `close()` empties it.
 */
export function openMemoryStore(todos: readonly Todo[] = []): Promise<TodoStore> {
  const rows = new Map(todos.map((todo) => [todo.id, { ...todo }]));
  let last = Math.max(0, ...rows.keys());
  return Promise.resolve({
    list: () => [...rows.values()].map((todo) => ({ ...todo })),
    get: (id) => {
      const todo = rows.get(id);
      return todo && { ...todo };
    },
    create: (title, done) => {
      const todo = { id: ++last, title, done };
      rows.set(todo.id, todo);
      return { ...todo };
    },
    update: (id, changes) => {
      const todo = rows.get(id);
      if (todo === undefined) return undefined;
      if (changes.title !== undefined) todo.title = changes.title;
      if (changes.done !== undefined) todo.done = changes.done;
      return { ...todo };
    },
    delete: (id) => rows.delete(id),
    close: () => rows.clear(),
  });
}
