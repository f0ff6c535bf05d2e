import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { WarehouseFiles } from '../../warehouse/ports.ts';

let client: S3Client | undefined;

/** The S3 client, created once per module instance. */
export function s3Client(): S3Client {
  client ??= new S3Client({});
  return client;
}

/** The warehouse's files in its bucket, under its prefix (the stack's Glue tables read `<prefix>/v1/<table>/…`). */
export class S3WarehouseFiles implements WarehouseFiles {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {}

  async put(path: string, body: Uint8Array, contentType: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: `${this.prefix}/${path}`, Body: body, ContentType: contentType }));
  }
}
