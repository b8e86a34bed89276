import { useEffect, useState } from 'react';
import { Image, Skeleton } from 'antd';
import { FileOutlined } from '@ant-design/icons';
import { externalAttachmentUrl } from '@liandong/contracts/attachment-url';
import { apiFetch, sameOriginUrl } from '../api/client.ts';

/**
 * How an attachment URL is shown: a file of this server is fetched with the session token (an
 * <img> cannot send the Authorization header); an https: URL elsewhere is a plain image, with no
 * token and no referrer; anything else (http:, javascript:, data:…) is not shown at all.
 */
export function attachmentSource(url: string): { kind: 'own'; href: string } | { kind: 'external'; href: string } | { kind: 'refused' } {
  const own = sameOriginUrl(url);
  if (own) return { kind: 'own', href: own.href };
  const external = externalAttachmentUrl(url);
  return external ? { kind: 'external', href: external } : { kind: 'refused' };
}

/**
 * An attachment image. A file of this server is fetched with the token and shown from a blob URL
 * (revoked when the component goes away); an external https: image is shown directly.
 */
export function AuthImage({ url, alt }: { url: string; alt: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let objectUrl: string | null = null;
    let cancelled = false;
    const source = attachmentSource(url);
    if (source.kind === 'refused') {
      setFailed(true);
      return;
    }
    // Camera snapshots and other external files: never through the API client.
    if (source.kind === 'external') {
      setSrc(source.href);
      return;
    }
    apiFetch(source.href)
      .then((res) => res.blob())
      .then((blob) => {
        if (cancelled) return;
        objectUrl = URL.createObjectURL(blob);
        setSrc(objectUrl);
      })
      .catch(() => !cancelled && setFailed(true));
    return () => {
      cancelled = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [url]);
  if (failed)
    return (
      <div className="ld-thumb" data-testid="attachment-unavailable" style={{ display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
        <FileOutlined style={{ fontSize: 28, color: '#bfbfbf' }} />
      </div>
    );
  if (!src) return <Skeleton.Image active style={{ width: 96, height: 96 }} />;
  return (
    <Image
      src={src}
      alt={alt}
      width={96}
      height={96}
      className="ld-thumb"
      style={{ objectFit: 'cover' }}
      referrerPolicy="no-referrer"
      data-testid="attachment-image"
    />
  );
}
