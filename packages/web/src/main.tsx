import { StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { unstableSetRender } from 'antd';
import { i18nReady } from './i18n/index.ts';
import { App } from './App.tsx';
import './styles.css';

// antd 5 renders popups (message, Modal.confirm) through its own render call; React 19 needs createRoot.
unstableSetRender((node, container) => {
  const el = container as Element & { _reactRoot?: Root };
  el._reactRoot ??= createRoot(el);
  const root = el._reactRoot;
  root.render(node);
  return async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    root.unmount();
  };
});

// In English, once its texts have arrived (in Chinese, at once).
void i18nReady.then(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
