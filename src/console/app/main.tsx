import { render } from 'preact';
import { App } from './app.tsx';
import './console.css';

const root = document.getElementById('app')!;
render(<App apiBase={root.dataset.apiBase ?? ''} />, root);
