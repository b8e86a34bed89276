import { lazy, Suspense, useEffect, useRef, useState, type Ref } from 'react';
import { Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CountyMapProps } from './CountyMapCanvas.tsx';

export type { CountyMapProps, MapPoint } from './CountyMapCanvas.tsx';

// ECharts is the heaviest library of the app (~170 KB compressed): it is fetched only when a map
// is on screen, so that a page with a hidden map (the plaza's list view on a phone) shows its rows
// without it.
const CountyMapCanvas = lazy(() => import('./CountyMapCanvas.tsx'));

/** The county map (see CountyMapCanvas), loaded once its box becomes visible. */
export function CountyMap(props: CountyMapProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [shown, setShown] = useState(false);

  useEffect(() => {
    const el = ref.current;
    if (shown || !el) return;
    if (typeof IntersectionObserver === 'undefined') {
      setShown(true);
      return;
    }
    // A box under `display: none` never intersects; it does once its view is switched on.
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) setShown(true);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [shown]);

  const placeholder = <MapPlaceholder height={props.height} testId={props.testId} boxRef={ref} />;
  if (!shown) return placeholder;
  return (
    <Suspense fallback={placeholder}>
      <CountyMapCanvas {...props} />
    </Suspense>
  );
}

function MapPlaceholder(props: { height?: number | string; testId?: string; boxRef?: Ref<HTMLDivElement> }) {
  const { t } = useTranslation();
  return (
    <div ref={props.boxRef} className="ld-map-wrap" style={props.height ? { height: props.height } : undefined} data-testid={props.testId}>
      <div className="ld-map" />
      <div className="ld-map-overlay">
        <Spin tip={t('map.loading')}>
          <div style={{ width: 160, height: 60 }} />
        </Spin>
      </div>
    </div>
  );
}
