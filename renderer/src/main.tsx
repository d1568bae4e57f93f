import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { setClient } from './state/client.js';
import { startSync } from './state/store.js';
import { createClient } from './transport/index.js';
import './styles/tokens.css';
import './styles/app.css';

setClient(createClient());
startSync();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
