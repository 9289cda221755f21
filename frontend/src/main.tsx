import './styles/index.scss';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from './app';
import { MainErrorFallback } from './components/errors';
import { loadEnv, type AppConfig } from './config/env';

const container = document.getElementById('root');
if (container === null) {
  throw new Error('index.html has no #root element');
}
const root = createRoot(container);

let config: AppConfig | null = null;
try {
  config = loadEnv();
} catch (error) {
  console.error(error);
}

root.render(
  <StrictMode>{config === null ? <MainErrorFallback /> : <App config={config} />}</StrictMode>,
);
