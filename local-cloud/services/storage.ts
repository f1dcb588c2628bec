import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Cloud storage in a local folder. Files are addressed as on the cloud by `cloud://` file ids
 * (`cloud://<env>.<bucket>/<cloudPath>`); temporary URLs are served by the local HTTP server and
 * expire like the cloud's: `maxAge` seconds, 86400 (one day) by default and at most, 50 files a call
 * (云开发文档 getTempFileURL). A URL is signed (HMAC-SHA256 over the path and its expiry), so it cannot
 * be extended or pointed at another file.
 */
export const TEMP_URL_MAX_AGE_S = 86_400;
export const MAX_FILES_PER_CALL = 50;
const BUCKET = '6c6f-local-1250000000';

export class StorageError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface TempUrl {
  fileID: string;
  tempFileURL: string;
  maxAge: number;
  code?: string;
}

export class LocalStorage {
  private readonly root: string;

  constructor(
    dir: string,
    private readonly env: string,
    private readonly secret: Buffer,
    /** base of the temporary URLs, e.g. http://localhost:8080 */
    private readonly publicUrl: () => string,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.root = path.resolve(dir);
    fs.mkdirSync(this.root, { recursive: true });
  }

  fileId(cloudPath: string): string {
    return `cloud://${this.env}.${BUCKET}/${cloudPath}`;
  }

  /** The cloud path a file id names in this environment, or null (another environment, malformed). */
  cloudPathOf(fileId: unknown): string | null {
    if (typeof fileId !== 'string') return null;
    const prefix = `cloud://${this.env}.${BUCKET}/`;
    if (!fileId.startsWith(prefix)) return null;
    const cloudPath = fileId.slice(prefix.length);
    return validCloudPath(cloudPath) ? cloudPath : null;
  }

  private file(cloudPath: string): string {
    const full = path.resolve(this.root, cloudPath);
    if (!full.startsWith(this.root + path.sep)) throw new StorageError('INVALID_PARAM', `invalid cloudPath: ${cloudPath}`);
    return full;
  }

  upload(cloudPath: unknown, content: unknown): string {
    if (typeof cloudPath !== 'string' || !validCloudPath(cloudPath)) throw new StorageError('INVALID_PARAM', `cloudPath 不合法: ${String(cloudPath)}`);
    const bytes = Buffer.isBuffer(content)
      ? content
      : typeof content === 'string'
        ? Buffer.from(content)
        : content instanceof Uint8Array
          ? Buffer.from(content)
          : null;
    if (!bytes) throw new StorageError('INVALID_PARAM', 'fileContent must be a Buffer or a string');
    const target = this.file(cloudPath);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // Write then rename: a reader never sees half a file, and an overwrite is atomic (the cloud's upload replaces).
    const tmp = `${target}.${crypto.randomBytes(6).toString('hex')}.part`;
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, target);
    return this.fileId(cloudPath);
  }

  read(fileId: unknown): Buffer {
    const cloudPath = this.cloudPathOf(fileId);
    if (cloudPath === null || !fs.existsSync(this.file(cloudPath)))
      throw new StorageError('STORAGE_FILE_NONEXIST', `storage file not exists: ${String(fileId)}`);
    return fs.readFileSync(this.file(cloudPath));
  }

  exists(fileId: unknown): boolean {
    const cloudPath = this.cloudPathOf(fileId);
    return cloudPath !== null && fs.existsSync(this.file(cloudPath));
  }

  /** Deletes each file; answers per file, as the cloud does (a missing one is STORAGE_FILE_NONEXIST). */
  remove(fileIds: unknown[]): { fileID: string; code?: string }[] {
    return fileIds.map((fileId) => {
      const cloudPath = this.cloudPathOf(fileId);
      if (cloudPath === null || !fs.existsSync(this.file(cloudPath))) return { fileID: String(fileId), code: 'STORAGE_FILE_NONEXIST' };
      fs.rmSync(this.file(cloudPath));
      return { fileID: String(fileId) };
    });
  }

  tempUrls(list: unknown[]): TempUrl[] {
    return list.map((item) => {
      const fileId = typeof item === 'object' && item !== null ? (item as { fileID?: unknown }).fileID : item;
      const asked = typeof item === 'object' && item !== null ? Number((item as { maxAge?: unknown }).maxAge) : NaN;
      const maxAge = Number.isFinite(asked) && asked > 0 ? Math.min(Math.floor(asked), TEMP_URL_MAX_AGE_S) : TEMP_URL_MAX_AGE_S;
      const cloudPath = this.cloudPathOf(fileId);
      if (cloudPath === null || !fs.existsSync(this.file(cloudPath))) return { fileID: String(fileId), tempFileURL: '', maxAge, code: 'STORAGE_FILE_NONEXIST' };
      const expires = Math.floor(this.now() / 1000) + maxAge;
      const encoded = cloudPath.split('/').map(encodeURIComponent).join('/');
      return { fileID: String(fileId), tempFileURL: `${this.publicUrl()}/api/storage/${encoded}?t=${expires}&sign=${this.sign(cloudPath, expires)}`, maxAge };
    });
  }

  /** The bytes a temporary URL names, or why not: 403 for a bad or expired signature, 404 for no file. */
  serve(cloudPath: string, expires: string | null, sign: string | null): { status: 200; body: Buffer } | { status: 403 | 404; reason: string } {
    const t = Number(expires);
    if (!validCloudPath(cloudPath) || !Number.isInteger(t) || !sign) return { status: 403, reason: 'SignatureDoesNotMatch' };
    const expected = this.sign(cloudPath, t);
    if (sign.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(sign), Buffer.from(expected)))
      return { status: 403, reason: 'SignatureDoesNotMatch' };
    if (t * 1000 < this.now()) return { status: 403, reason: 'Request has expired' };
    const file = this.file(cloudPath);
    if (!fs.existsSync(file)) return { status: 404, reason: 'NoSuchKey' };
    return { status: 200, body: fs.readFileSync(file) };
  }

  private sign(cloudPath: string, expires: number): string {
    return crypto.createHmac('sha256', this.secret).update(`${cloudPath}\n${expires}`).digest('hex').slice(0, 32);
  }
}

function validCloudPath(p: string): boolean {
  return (
    p.length > 0 &&
    p.length <= 850 &&
    !p.startsWith('/') &&
    !p.split('/').some((part) => part === '' || part === '.' || part === '..') &&
    // eslint-disable-next-line no-control-regex -- control characters are what it refuses
    !/[\u0000-\u001f\\]/.test(p)
  );
}
