import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './i18n/index.js';
import { applyTheme } from './features/settings/theme.js';
import { App } from './App.js';
import { setClient } from './state/client.js';
import { startSync } from './state/store.js';
import { createClient } from './transport/index.js';
import './styles/tokens.css';
import './styles/app.css';

applyTheme();
setClient(createClient());
startSync();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
