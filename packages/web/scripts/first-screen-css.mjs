// Ant Design writes its styles at run time (CSS-in-JS): on the first screen of a cold load that
// was a third of the main thread's work (computing, serializing and inserting some forty
// style sheets). This renders the components of the first screens (the signed-in shell, the
// plaza, the login page) once at build time and prints their CSS, with the marker rule by which
// @ant-design/cssinjs knows, in the browser, which styles are already in a CSS file and skips
// them (its "CSS file" mode). Components not rendered here keep writing their styles at run
// time, so a component missing from this list is slower, never unstyled. The list is what a phone
// shows at first (the plaza's list with its closed filters, the shell with its closed menu): the
// phone's first load must stay under 400 KB, and the filters' selects and checkboxes, alerts and
// empty states write their styles when they appear. Run by vite.config.ts.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

process.env.NODE_ENV = 'production';
const require = createRequire(import.meta.url);
const React = require('react');
const { renderToString } = require('react-dom/server');
const { createCache, extractStyle, StyleProvider } = require('@ant-design/cssinjs');
const antd = require('antd');
const theme = JSON.parse(readFileSync(new URL('../src/theme.json', import.meta.url), 'utf8'));

const h = React.createElement;
const { Layout, Menu, Button, Badge, Avatar, Dropdown, Drawer, Space, Tag, Typography, Spin, Card, Form, Input, Segmented, Table, Row, Col } = antd;
const rows = [{ key: '1', title: 'x', status: 'y' }];
const columns = [
  { title: 'a', dataIndex: 'title', ellipsis: true },
  { title: 'b', dataIndex: 'status', width: 100 },
];
const screen = h(
  Layout,
  null,
  h(Layout.Sider, { theme: 'dark', collapsible: true }, h(Menu, { theme: 'dark', mode: 'inline', items: [{ key: 'a', label: 'a' }] })),
  h(
    Layout,
    null,
    h(
      Layout.Header,
      null,
      h(Menu, { theme: 'dark', mode: 'horizontal', items: [{ key: 'a', label: 'a' }] }),
      h(Badge, { count: 3 }, h(Avatar, null, 'a')),
      h(Dropdown, { menu: { items: [{ key: 'a', label: 'a' }] } }, h(Button, { type: 'text' }, 'a')),
      h(Drawer, { open: false }),
    ),
    h(
      Layout.Content,
      null,
      h(
        Space,
        { direction: 'vertical' },
        h(Card, { size: 'small', title: 't' }, h(Card, { title: 't' })),
        h(
          Form,
          { layout: 'inline' },
          h(Form.Item, { name: 'q', label: 'q' }, h(Input.Search, { allowClear: true })),
          h(Form.Item, { name: 'p' }, h(Input.Password, null)),
          h(Form.Item, null, h(Button, { type: 'primary', htmlType: 'submit' }, 'go')),
        ),
        h(Segmented, { options: ['a', 'b'] }),
        h(
          Row,
          null,
          h(
            Col,
            { span: 12 },
            h(Typography.Title, { level: 4 }, 't'),
            h(Typography.Text, { type: 'secondary' }, 't'),
            h(Typography.Paragraph, null, 'p'),
            h(Typography.Link, null, 'l'),
          ),
        ),
        h(Tag, { color: 'red' }, 't'),
        h(Table, { columns, dataSource: rows, pagination: false, size: 'small' }),
        h(Table, { columns, dataSource: [], loading: true }),
        h(Spin, null),
      ),
    ),
  ),
);

const cache = createCache();
renderToString(h(StyleProvider, { cache }, h(antd.ConfigProvider, { theme }, h(antd.App, null, screen))));
process.stdout.write(extractStyle(cache, true));
