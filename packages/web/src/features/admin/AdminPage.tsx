import { Card, Tabs } from 'antd';
import { useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { UnitsTab } from './UnitsTab.tsx';
import { UsersTab } from './UsersTab.tsx';
import { ApiKeysTab } from './ApiKeysTab.tsx';
import { CatalogTab } from './CatalogTab.tsx';
import { VehiclesTab } from './VehiclesTab.tsx';

const TABS = ['units', 'users', 'apiKeys', 'catalog', 'vehicles'] as const;

export default function AdminPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const tab = TABS.find((k) => k === params.get('tab')) ?? 'units';
  return (
    <Card size="small" title={t('admin.title')}>
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams({ tab: k }, { replace: true })}
        destroyOnHidden
        items={[
          { key: 'units', label: t('admin.units'), children: <UnitsTab /> },
          { key: 'users', label: t('admin.users'), children: <UsersTab /> },
          { key: 'apiKeys', label: t('admin.apiKeys'), children: <ApiKeysTab /> },
          { key: 'catalog', label: t('admin.catalog'), children: <CatalogTab /> },
          { key: 'vehicles', label: t('vehicles.tab'), children: <VehiclesTab /> },
        ]}
      />
    </Card>
  );
}
