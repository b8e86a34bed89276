import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { EventStatus } from '../api/types.ts';
import { STATUS_COLORS } from '../lib/constants.ts';

export function StatusTag({ status }: { status: EventStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLORS[status] ?? 'default'} data-status={status}>
      {t(`status.${status}`)}
    </Tag>
  );
}
