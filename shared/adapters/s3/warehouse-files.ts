import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
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

  async get(path: string): Promise<Uint8Array> {
    const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: `${this.prefix}/${path}` }));
    if (!Body) throw new Error(`s3://${this.bucket}/${this.prefix}/${path} has no body`);
    return Body.transformToByteArray();
  }

  async list(prefix: string): Promise<string[]> {
    const paths: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${this.prefix}/${prefix}`, ContinuationToken }));
      for (const object of page.Contents ?? []) if (object.Key) paths.push(object.Key.slice(this.prefix.length + 1));
      ContinuationToken = page.NextContinuationToken;
    } while (ContinuationToken);
    return paths.sort();
  }
}
