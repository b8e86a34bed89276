import { useEffect, useState } from 'react';
import { Image, Skeleton } from 'antd';
import { FileOutlined } from '@ant-design/icons';
import { apiFetch } from '../api/client.ts';

/**
 * An attachment image. <img> cannot send the Authorization header, so the file is fetched
 * with the token and shown from a blob URL (revoked when the component goes away).
 */
export function AuthImage({ url, alt }: { url: string; alt: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let objectUrl: string | null = null;
    let cancelled = false;
    // Absolute URLs to other hosts (camera snapshots) are shown directly.
    const external = /^https?:\/\//.test(url) && !url.startsWith(window.location.origin);
    if (external) {
      setSrc(url);
      return;
    }
    apiFetch(url)
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
      <div className="ld-thumb" style={{ display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
        <FileOutlined style={{ fontSize: 28, color: '#bfbfbf' }} />
      </div>
    );
  if (!src) return <Skeleton.Image active style={{ width: 96, height: 96 }} />;
  return <Image src={src} alt={alt} width={96} height={96} className="ld-thumb" style={{ objectFit: 'cover' }} />;
}
