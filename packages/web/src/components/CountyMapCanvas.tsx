import { useEffect, useMemo, useRef } from 'react';
import * as echarts from 'echarts/core';
import { LinesChart, ScatterChart, EffectScatterChart } from 'echarts/charts';
import { GeoComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';
import { Button, Spin } from 'antd';
import { AimOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { labelPointOf, ringsOf, type BoundaryCollection } from '../api/geo.ts';

echarts.use([GeoComponent, TooltipComponent, ScatterChart, EffectScatterChart, LinesChart, CanvasRenderer]);

export interface MapPoint {
  id: string;
  lng: number;
  lat: number;
  name: string;
  color: string;
  /** Extra tooltip line. */
  detail?: string;
}

export interface CountyMapProps {
  /** Regions drawn as the clickable base (usually grids). */
  base: BoundaryCollection | undefined;
  /** Outlines drawn over the base with labels (usually townships). */
  outlines?: BoundaryCollection;
  points?: MapPoint[];
  marker?: { lng: number; lat: number } | null;
  highlightId?: string | null;
  /** Open zoomed in on this point (e.g. an event's location). */
  focus?: { lng: number; lat: number; zoom?: number } | null;
  loading?: boolean;
  emptyText?: string;
  onPointClick?: (id: string) => void;
  /** Called with the geographic position of any click on the map. */
  onMapClick?: (lng: number, lat: number) => void;
  height?: number | string;
  testId?: string;
}

let mapSeq = 0;
const MAP_PADDING = 24;

/**
 * The county map: our own boundaries through ECharts geo (no tiles, works offline),
 * with points (events) and a picked-location marker.
 */
export default function CountyMapCanvas(props: CountyMapProps) {
  const { t, i18n } = useTranslation();
  const english = i18n.language === 'en';
  const ref = useRef<HTMLDivElement>(null);
  const chartRef = useRef<echarts.ECharts | null>(null);
  const handlers = useRef(props);
  handlers.current = props;
  const mapName = useMemo(() => `ld-map-${++mapSeq}`, []);
  const geoOption = useRef<EChartsCoreOption | null>(null);
  const focusRef = useRef(props.focus);
  focusRef.current = props.focus;

  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    chartRef.current = chart;
    chart.on('click', (params) => {
      const data = params.data as { id?: string } | undefined;
      if (params.seriesId === 'points' && data?.id) handlers.current.onPointClick?.(data.id);
    });
    chart.getZr().on('click', (e) => {
      if (!handlers.current.onMapClick) return;
      const opt = chart.getOption() as { geo?: unknown[] };
      if (!opt.geo?.length) return;
      const pos = chart.convertFromPixel({ geoIndex: 0 }, [e.offsetX, e.offsetY]) as number[] | undefined;
      if (pos && Number.isFinite(pos[0]) && Number.isFinite(pos[1])) handlers.current.onMapClick(pos[0], pos[1]);
    });
    const ro = new ResizeObserver(() => chart.resize());
    ro.observe(ref.current);
    return () => {
      ro.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, []);

  const { base, outlines, points, marker, highlightId } = props;
  const names = useMemo(() => {
    const m = new Map<string, string>();
    for (const f of base?.features ?? []) m.set(f.properties.id, (english && f.properties.nameEn) || f.properties.name);
    return m;
  }, [base, english]);

  // Register the base map only when its data changes; roaming state survives point updates.
  useEffect(() => {
    const chart = chartRef.current;
    if (!chart || !base?.features.length) return;
    const geoJson = {
      type: 'FeatureCollection',
      features: base.features.map((f) => ({ type: 'Feature', properties: { name: f.properties.id }, geometry: f.geometry })),
    };
    echarts.registerMap(mapName, geoJson as never);
    let minLat = Infinity;
    let maxLat = -Infinity;
    for (const f of base.features)
      for (const r of ringsOf(f.geometry))
        for (const [, y] of r) {
          minLat = Math.min(minLat, y);
          maxLat = Math.max(maxLat, y);
        }
    const midLat = ((minLat + maxLat) / 2) * (Math.PI / 180);
    geoOption.current = {
      geo: [
        {
          map: mapName,
          roam: true,
          // Equirectangular with the right aspect for the county's latitude.
          aspectScale: Math.cos(midLat) || 0.85,
          // Fit the box, keeping the aspect; e2e/harness.ts pixelOf mirrors this layout.
          left: MAP_PADDING,
          right: MAP_PADDING,
          top: MAP_PADDING,
          bottom: MAP_PADDING,
          scaleLimit: { min: 0.8, max: 40 },
          ...(focusRef.current ? { center: [focusRef.current.lng, focusRef.current.lat], zoom: focusRef.current.zoom ?? 3 } : {}),
          selectedMode: false,
          label: { show: false },
          itemStyle: { areaColor: '#e6f4ff', borderColor: '#91caff', borderWidth: 0.6 },
          emphasis: { label: { show: false }, itemStyle: { areaColor: '#bae0ff' } },
          tooltip: { show: true },
        },
      ],
    } satisfies EChartsCoreOption;
    chart.setOption(geoOption.current, { replaceMerge: ['geo'] });
  }, [base, mapName]);

  useEffect(() => {
    const chart = chartRef.current;
    if (!chart || !base?.features.length) return;
    const outlineLines = (outlines?.features ?? []).flatMap((f) => ringsOf(f.geometry).map((coords) => ({ coords })));
    const outlineLabels = (outlines?.features ?? []).map((f) => ({
      name: (english && f.properties.nameEn) || f.properties.name,
      value: labelPointOf(f.geometry),
    }));
    const highlight = highlightId ? base.features.find((f) => f.properties.id === highlightId) : undefined;
    chart.setOption(
      {
        tooltip: {
          trigger: 'item',
          confine: true,
          formatter: (p: { componentType: string; name: string; data?: { name?: string; detail?: string } }) => {
            if (p.componentType === 'geo') return names.get(p.name) ?? '';
            const d = p.data;
            return d?.detail ? `${d.name}<br/>${d.detail}` : (d?.name ?? '');
          },
        },
        series: [
          {
            id: 'outlines',
            type: 'lines',
            coordinateSystem: 'geo',
            polyline: true,
            silent: true,
            lineStyle: { color: '#1d39c4', width: 1.6, opacity: 0.9 },
            data: outlineLines,
            z: 3,
          },
          {
            id: 'highlight',
            type: 'lines',
            coordinateSystem: 'geo',
            polyline: true,
            silent: true,
            lineStyle: { color: '#fa541c', width: 2.5 },
            data: highlight ? ringsOf(highlight.geometry).map((coords) => ({ coords })) : [],
            z: 4,
          },
          {
            id: 'outline-labels',
            type: 'scatter',
            coordinateSystem: 'geo',
            silent: true,
            symbolSize: 0,
            label: { show: true, formatter: '{b}', color: '#1d39c4', fontSize: 12, fontWeight: 'bold', textBorderColor: '#fff', textBorderWidth: 2 },
            data: outlineLabels,
            z: 5,
          },
          {
            id: 'points',
            type: 'scatter',
            coordinateSystem: 'geo',
            symbolSize: 10,
            itemStyle: { borderColor: '#fff', borderWidth: 1.5 },
            emphasis: { scale: 1.6 },
            data: (points ?? []).map((p) => ({ id: p.id, name: p.name, detail: p.detail, value: [p.lng, p.lat], itemStyle: { color: p.color } })),
            cursor: 'pointer',
            z: 6,
          },
          {
            id: 'marker',
            type: 'effectScatter',
            coordinateSystem: 'geo',
            silent: true,
            // A dot exactly on the point (a pin's tip drifts with the symbol's box).
            symbol: 'circle',
            symbolSize: 14,
            rippleEffect: { scale: 3.5, brushType: 'stroke' },
            itemStyle: { color: '#f5222d', borderColor: '#fff', borderWidth: 2 },
            data: marker ? [{ value: [marker.lng, marker.lat] }] : [],
            z: 7,
          },
        ],
      } satisfies EChartsCoreOption,
      { replaceMerge: ['series'] },
    );
  }, [base, outlines, points, marker, highlightId, names, english]);

  const resetView = () => {
    if (geoOption.current) chartRef.current?.setOption(geoOption.current, { replaceMerge: ['geo'] });
  };

  const empty = !props.loading && !base?.features.length;
  return (
    <div className="ld-map-wrap" style={props.height ? { height: props.height } : undefined} data-testid={props.testId}>
      <div ref={ref} className="ld-map" style={{ cursor: props.onMapClick ? 'crosshair' : undefined }} />
      {props.loading && (
        <div className="ld-map-overlay">
          <Spin tip={t('map.loading')}>
            <div style={{ width: 160, height: 60 }} />
          </Spin>
        </div>
      )}
      {empty && <div className="ld-map-overlay">{props.emptyText ?? t('map.noBoundaries')}</div>}
      {!empty && (
        <Button size="small" icon={<AimOutlined />} onClick={resetView} style={{ position: 'absolute', right: 8, top: 8 }}>
          {t('map.resetView')}
        </Button>
      )}
    </div>
  );
}
