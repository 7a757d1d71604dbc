import { createCipheriv, createDecipheriv, randomBytes, createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import argon2 from 'argon2';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../fs/private.js';

/** AES-256-GCM for secrets at rest (mailbox and SMTP passwords). Format: v1:<iv>:<tag>:<ciphertext>, base64. */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('secret key must be 32 bytes');
  return {
    seal(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), ct.toString('base64')].join(':');
    },
    open(sealed) {
      const [v, iv, tag, ct] = sealed.split(':');
      if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('secret is not in v1 format');
      const ivBytes = Buffer.from(iv, 'base64');
      const tagBytes = Buffer.from(tag, 'base64');
      // A shortened tag would make forging far easier: only the full 16-byte tag is accepted.
      if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw new Error('secret has a wrong IV or authentication tag length');
      const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: TAG_BYTES });
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
    },
  };
}

/** The key comes from SWITCHYARD_SECRET_KEY (hex or base64), else from <dataDir>/secret.key (created 0600 on first use). */
export function loadSecretKey(configured: string | null, dataDir: string): Buffer {
  if (configured) return /^[0-9a-fA-F]{64}$/.test(configured) ? Buffer.from(configured, 'hex') : Buffer.from(configured, 'base64');
  const file = join(dataDir, 'secret.key');
  if (!existsSync(file)) {
    ensurePrivateDir(dataDir);
    writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  }
  chmodSync(file, PRIVATE_FILE_MODE);
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
}

export const hashPassword = (password: string): Promise<string> => argon2.hash(password, { type: argon2.argon2id });
export const verifyPassword = async (hash: string, password: string): Promise<boolean> => {
  try { return await argon2.verify(hash, password); } catch { return false; }
};

export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
export const newToken = (): string => randomBytes(32).toString('base64url');
